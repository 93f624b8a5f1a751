// The live trainer's Web Worker: trains one network with trainer.js (published with it, as one file: this glue
// follows trainer.js, whose glorotUniform, forward, Trainer and argmax it uses) and posts what the page draws.
//
// Messages in: {type: "setup", data: {X, y, classes}, sizes, activation, seed, train, view} (a fresh network from
// the seed's initial weights), "play", "pause", {type: "step", count}, {type: "drawn", count} (the page has drawn
// count frames, or dropped them for a later one: more may come), {type: "bench", steps} (that many steps as fast as it can, answered with the time taken).
// Messages out: frames {type: "frame", step, loss, accuracy, curve: [[step, loss, accuracy], ...] since the last,
// regions: Uint8Array (class per cell of the input plane), hidden: the view layer's outputs of the points and of the
// grid (or null), hiddenRegions, W, b, playing}.

const SIDE = 96;          // cells per side of the decision-region images
const LINES = 17, ALONG = 33;  // the warped grid: lines each way, points along each
const BUDGET_MS = 12;     // training time between two looks at the messages while playing
const AHEAD = 2;          // frames posted and not yet drawn: one is drawn while the next is made
let job = null, trainer = null, playing = false, unseen = 0, pending = [], lastLoss = NaN, timer = 0;

self.onmessage = ({ data: message }) => {
  const type = message.type || message;
  if (type === "setup") setup(message);
  else if (type === "play") { playing = true; loop(); }
  else if (type === "pause") { playing = false; send(true); }
  else if (type === "step") { for (let k = 0; k < (message.count || 1); k++) record(trainer.step()); send(true); }
  else if (type === "drawn") {
    unseen = Math.max(0, unseen - (message.count || 1));
    if (!playing && !unseen && pending.length) send(true);
  }
  else if (type === "bench") bench(message.steps);
};

function setup({ data, sizes, activation, seed, train, view }) {
  playing = false;
  clearTimeout(timer);
  const net = glorotUniform(sizes, seed, activation);
  trainer = new Trainer(net, data, train);
  job = { data, sizes, view, extent: extent(data.X), grid: grid(extent(data.X)) };
  pending = [];
  lastLoss = NaN;
  unseen = 0;
  send(true);
}

function record(loss) {
  lastLoss = loss;
  pending.push(trainer.steps, loss);
}

// Trains in slices of BUDGET_MS, reading messages between them; a frame goes out after a slice whenever fewer than
// AHEAD are waiting to be drawn (training never waits for the drawing, and the page has the next frame at hand when
// the screen is next painted).
function loop() {
  if (!playing) return;
  const until = performance.now() + BUDGET_MS;
  do record(trainer.step()); while (performance.now() < until);
  if (unseen < AHEAD) send(false);
  timer = setTimeout(loop, 0);
}

// The square the points lie in, a little larger, as the build's figures frame it (plane.square_extent: rounded up
// to a quarter, at least 1).
function extent(X) {
  let most = 0;
  for (const v of X) most = Math.max(most, Math.abs(v));
  return Math.max(1, Math.ceil(most * 1.05 * 4) / 4);
}

function grid(half) {
  const points = new Float64Array(LINES * 2 * ALONG * 2);
  let k = 0;
  for (let j = 0; j < LINES; j++) {
    const c = -half + (2 * half * j) / (LINES - 1);
    for (let dir = 0; dir < 2; dir++) {
      for (let a = 0; a < ALONG; a++) {
        const along = -half + (2 * half * a) / (ALONG - 1);
        points[k++] = dir ? along : c;
        points[k++] = dir ? c : along;
      }
    }
  }
  return points;
}

// The classes over a SIDE x SIDE raster of [lo, hi]^2 (row 0 at the top) of the layers from `from` on.
function classes(net, from, lo, hi) {
  const cells = new Float64Array(SIDE * SIDE * 2);
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      cells[(r * SIDE + c) * 2] = lo + ((c + 0.5) * (hi - lo)) / SIDE;
      cells[(r * SIDE + c) * 2 + 1] = hi - ((r + 0.5) * (hi - lo)) / SIDE;
    }
  }
  const tail = { sizes: net.sizes.slice(from), activation: net.activation, W: net.W.slice(from), b: net.b.slice(from) };
  const logits = forward(tail, cells, SIDE * SIDE).at(-1), K = net.sizes.at(-1), out = new Uint8Array(SIDE * SIDE);
  for (let p = 0; p < out.length; p++) out[p] = argmax(logits, p * K, K);
  return out;
}

function send(now) {
  const net = trainer.net, { X, y } = trainer, n = y.length, K = net.sizes.at(-1);
  const H = forward(net, X, n), logits = H.at(-1);
  let right = 0;
  for (let p = 0; p < n; p++) right += argmax(logits, p * K, K) === y[p];
  const half = job.extent;
  const frame = { type: "frame", step: trainer.steps, loss: lastLoss, accuracy: right / n, curve: pending,
    playing, extent: half, side: SIDE, lines: LINES, along: ALONG, regions: classes(net, 0, -half, half),
    W: net.W.map((w) => Array.from(w)), b: net.b.map((v) => Array.from(v)), hidden: null };
  const layer = job.view;  // the hidden layer drawn (1 = the first), 0: none has 2 units
  if (layer) {
    const points = H[layer], lines = forward(net, job.grid, job.grid.length / 2)[layer];
    let most = 0;
    for (const v of points) most = Math.max(most, Math.abs(v));
    for (const v of lines) most = Math.max(most, Math.abs(v));
    const reach = Math.max(most * 1.05, 1e-6);
    frame.hidden = { layer, points: Float64Array.from(points), grid: Float64Array.from(lines), reach,
      regions: classes(net, layer, -reach, reach) };
  }
  pending = [];
  unseen++;
  self.postMessage(frame);
  return now;
}

function bench(steps) {
  const started = performance.now();
  for (let k = 0; k < steps; k++) trainer.step();
  self.postMessage({ type: "bench", steps, ms: performance.now() - started });
}
