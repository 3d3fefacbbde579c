// backprop's step-through page: draws the graph from the embedded facts and steps through it.
// The DOM it builds is described in backprop_cli/render/html_page.py (tests rely on it).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var words = data.words;
  var NS = "http://www.w3.org/2000/svg"; // the SVG namespace (a name, nothing is fetched)
  var LINE = 15;
  var step = 0;
  var drawn = { boxes: [], edges: [] };

  function make(tag, attributes, parent) {
    var element = document.createElementNS(NS, tag);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(element);
    return element;
  }

  // Positions: embedded by --layout graphviz, otherwise dagre lays the graph out here (left to right).
  function layout() {
    if (data.positions) return data.positions;
    var graph = new dagre.graphlib.Graph({ multigraph: true });
    graph.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 42, edgesep: 12, marginx: 16, marginy: 16 });
    graph.setDefaultEdgeLabel(function () { return {}; });
    data.boxes.forEach(function (box) { graph.setNode(box.id, { width: box.w, height: box.h }); });
    data.edges.forEach(function (edge) {
      graph.setEdge(edge.from, edge.to, { width: edge.w, height: edge.h, labelpos: "c" }, edge.id);
    });
    dagre.layout(graph);
    var found = { width: graph.graph().width, height: graph.graph().height, nodes: {}, edges: {} };
    graph.nodes().forEach(function (id) { var n = graph.node(id); found.nodes[id] = [n.x, n.y]; });
    data.edges.forEach(function (edge) {
      var e = graph.edge(edge.from, edge.to, edge.id);
      found.edges[edge.id] = { points: e.points.map(function (p) { return [p.x, p.y]; }), label: [e.x, e.y] };
    });
    return found;
  }

  function pathText(place) {
    if (place.curve) { // Graphviz: a B-spline, one start point then three per segment
      var c = place.curve, d = "M" + c[0].join(",");
      for (var i = 1; i + 2 < c.length; i += 3) d += " C" + [c[i], c[i + 1], c[i + 2]].map(function (p) { return p.join(","); }).join(" ");
      if (place.end) d += " L" + place.end.join(",");
      return d;
    }
    return "M" + place.points.map(function (p) { return p.join(","); }).join(" L");
  }

  function drawEdge(svg, edge, place) {
    var group = make("g", { "class": "edge", "data-from": edge.from, "data-to": edge.to, "data-id": edge.id,
      "data-grad": JSON.stringify(edge.dataGrad) }, svg);
    var path = make("path", { d: pathText(place), "marker-end": "url(#arrow)" }, group);
    var at = place.label;
    if (!at) { var p = path.getPointAtLength(path.getTotalLength() / 2); at = [p.x, p.y]; }
    var fwd = make("text", { "class": "fwd", x: at[0], y: at[1] - 4 }, group);
    var bwd = make("text", { "class": "bwd", x: at[0], y: at[1] + 13 }, group);
    drawn.edges.push({ edge: edge, group: group, fwd: fwd, bwd: bwd });
  }

  function drawBox(svg, box, center) {
    if (box.kind === "sink") return;
    var group = make("g", { "class": "node " + box.kind, "data-name": box.name, "data-kind": box.kind,
      "data-value": JSON.stringify(box.dataValue === undefined ? null : box.dataValue),
      "data-grad": JSON.stringify(box.dataGrad === undefined ? null : box.dataGrad) }, svg);
    var x = center[0] - box.w / 2, y = center[1] - box.h / 2;
    make("rect", { x: x, y: y, width: box.w, height: box.h, rx: box.kind === "variable" ? 14 : 4 }, group);
    box.lines.forEach(function (line, i) {
      var text = make("text", { "class": line[0], x: center[0], y: y + 6 + LINE * (i + 1) - 3, "text-anchor": "middle" }, group);
      text.textContent = line[1];
    });
    var grad = make("text", { "class": "grad", x: center[0], y: y + 6 + LINE * (box.lines.length + 1) - 3, "text-anchor": "middle" }, group);
    drawn.boxes.push({ box: box, group: group, grad: grad });
  }

  function draw() {
    var place = layout();
    var svg = document.getElementById("graph");
    svg.setAttribute("width", Math.ceil(place.width) + 20);
    svg.setAttribute("height", Math.ceil(place.height) + 20);
    svg.setAttribute("viewBox", "-10 -10 " + (Math.ceil(place.width) + 20) + " " + (Math.ceil(place.height) + 20));
    if (place.width < 2400) { svg.style.maxWidth = "100%"; svg.style.height = "auto"; } // larger: scroll, not shrink
    var marker = make("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8,
      markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, make("defs", {}, svg));
    make("path", { d: "M0,0 L10,5 L0,10 z" }, marker);
    data.edges.forEach(function (edge) { drawEdge(svg, edge, place.edges[edge.id]); });
    data.boxes.forEach(function (box) { drawBox(svg, box, place.nodes[box.id]); });
  }

  // The node whose step this is, and in which pass.
  function current(s) {
    var n = (data.last - 1) / 2;
    if (s >= 1 && s <= n) return { pass: "forward", index: s - 1 };
    if (s === n + 1) return { pass: "seed" };
    if (s > n + 1) return { pass: "backward", index: data.last - s };
    return { pass: "start" };
  }

  function lineFor(now) {
    if (now.pass === "start") return [data.start];
    if (now.pass === "seed") return [data.seed];
    var box = nodeBox(now.index);
    if (now.pass === "forward") return [box.forward];
    var lines = [words.rule + ":"].concat(box.backward);
    if (step === data.last) lines.push(words.finished);
    return lines;
  }

  function nodeBox(index) {
    return data.boxes.filter(function (box) { return box.kind === "node" && box.forwardStep === index + 1; })[0];
  }

  function show(s) {
    step = Math.max(0, Math.min(data.last, s));
    var now = current(step);
    var active = now.index === undefined ? null : nodeBox(now.index).id;
    drawn.boxes.forEach(function (d) {
      var box = d.box;
      d.group.classList.toggle("pending", box.kind === "node" && step < box.forwardStep);
      d.group.classList.toggle("current", box.id === active);
      d.grad.textContent = step >= box.gradStep ? box.gradText : "";
    });
    drawn.edges.forEach(function (d) {
      var edge = d.edge;
      d.fwd.textContent = step >= edge.forwardStep ? edge.value : "";
      d.bwd.textContent = step >= edge.backwardStep && edge.grad !== null ? edge.grad : "";
      var into = now.pass === "forward" && edge.to === active, outOf = now.pass === "backward" && edge.to === active;
      d.group.classList.toggle("current", into || outOf || (now.pass === "seed" && edge.id === "eout"));
    });
    var label = document.getElementById("step");
    var pass = now.pass === "forward" || now.pass === "start" ? words.forward : words.backward;
    label.textContent = words.step.replace("{step}", step).replace("{last}", data.last) + " \u00b7 " + pass;
    label.setAttribute("data-step", step);
    label.setAttribute("data-last", data.last);
    var line = document.getElementById("line");
    line.textContent = "";
    lineFor(now).forEach(function (text, i) {
      var div = document.createElement("div");
      if (i === 0 && now.pass === "backward") div.className = "rule";
      div.textContent = text;
      line.appendChild(div);
    });
    document.getElementById("slider").value = step;
  }

  function controls() {
    var slider = document.getElementById("slider");
    slider.max = data.last;
    slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
    [["prev", -1], ["next", 1]].forEach(function (pair) {
      var button = document.getElementById(pair[0]);
      button.textContent = words[pair[0] === "prev" ? "previous" : "next"];
      button.addEventListener("click", function () { show(step + pair[1]); });
    });
    var all = document.getElementById("all"), reset = document.getElementById("reset");
    all.textContent = words.all;
    reset.textContent = words.reset;
    all.addEventListener("click", function () { show(data.last); });
    reset.addEventListener("click", function () { show(0); });
    document.addEventListener("keydown", function (event) {
      if (event.target && event.target.id === "slider") return; // the slider moves itself
      if (event.altKey || event.ctrlKey || event.metaKey) return; // Alt+Left is the browser's Back
      if (event.key === "ArrowRight") { show(step + 1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { show(step - 1); event.preventDefault(); }
    });
    document.getElementById("legend").textContent = words.legend;
  }

  try {
    draw();
  } catch (error) { // e.g. a stack overflow in the layout: say so instead of a blank page
    document.getElementById("line").textContent = words.failed.replace("{error}", String(error));
    return;
  }
  controls();
  show(0);
})();
