// The live trainer's engine: one network of an experiment trained as generator/train.py trains each seed of it.
// Full batch, softmax cross-entropy averaged over the points, torch's Adam (or plain SGD), weight decay on the
// weight matrices only, the identity pull on square ones; in float64 (the build trains in float32). Glorot-uniform
// initial weights are drawn as torch draws them for a seed, so seed s here starts where the build's seed s did.
// No dependencies: an ES module for a Web Worker and for Node (tests/test_live_trainer.py checks it against torch).
//
// Shapes follow generator/models.py: sizes = [inputs, hidden..., classes]; W[l] maps sizes[l] -> sizes[l+1] and is
// stored row-major as torch's (out, in) matrix; points are rows of a flat Float64Array.

export const ACTIVATIONS = {
  // each activation and its slope from its output h (as torch's backward computes it)
  tanh: { f: Math.tanh, slope: (h) => 1 - h * h },
  relu: { f: (u) => (u > 0 ? u : 0), slope: (h) => (h > 0 ? 1 : 0) },
  sigmoid: { f: (u) => 1 / (1 + Math.exp(-u)), slope: (h) => h * (1 - h) },
};

// ---- Initial weights: torch.Generator().manual_seed(seed), then for each layer torch.rand(out, in) (32 bits of
// mt19937 each, the low 24 kept), * 2 - 1, * sqrt(6 / (in + out)), in float32; biases start at zero.

function mt19937(seed) {
  const state = new Uint32Array(624);
  let next = 624;
  state[0] = seed;
  for (let j = 1; j < 624; j++) state[j] = Math.imul(1812433253, state[j - 1] ^ (state[j - 1] >>> 30)) + j;
  return () => {
    if (next === 624) {
      for (let j = 0; j < 624; j++) {
        const y = (state[j] & 0x80000000) | (state[(j + 1) % 624] & 0x7fffffff);
        state[j] = state[(j + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      next = 0;
    }
    let y = state[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return (y ^ (y >>> 18)) >>> 0;
  };
}

export function glorotUniform(sizes, seed, activation = "tanh") {
  const random = mt19937(seed), W = [], b = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const limit = Math.fround(Math.sqrt(6 / (sizes[l] + sizes[l + 1])));
    const w = new Float64Array(sizes[l] * sizes[l + 1]);
    for (let k = 0; k < w.length; k++) w[k] = Math.fround((((random() & 0xffffff) / 0x1000000) * 2 - 1) * limit);
    W.push(w);
    b.push(new Float64Array(sizes[l + 1]));
  }
  return network({ sizes, activation, W, b });
}

// ---- The network: {sizes, activation, W, b}, checked and copied into Float64Arrays (nested arrays welcome).

export function network({ sizes, activation = "tanh", W, b }) {
  if (!ACTIVATIONS[activation]) {
    throw new Error(`unknown activation '${activation}'; known: ${Object.keys(ACTIVATIONS).join(", ")}`);
  }
  const layers = sizes.length - 1;
  if (layers < 1 || W.length !== layers || b.length !== layers) {
    throw new Error(`sizes [${sizes}] make ${layers} layers, but ${W.length} weight matrices and ${b.length} bias vectors were given`);
  }
  return {
    sizes: [...sizes], activation,
    W: W.map((w, l) => numbers(w, sizes[l + 1] * sizes[l], `W${l}`)),
    b: b.map((v, l) => numbers(v, sizes[l + 1], `b${l}`)),
  };
}

function numbers(values, length, name) {
  const out = Float64Array.from(Array.isArray(values) ? values.flat(Infinity) : values);
  if (out.length !== length) throw new Error(`${name} holds ${out.length} numbers, expected ${length}`);
  return out;
}

// The layers' outputs for n points X (flat, n * inputs): H[0] = X, H[l + 1] = act(H[l] W[l]^T + b[l]), and the last
// (the logits) without the activation.
export function forward(net, X, n = X.length / net.sizes[0]) {
  const { sizes, W, b } = net, f = ACTIVATIONS[net.activation].f, last = W.length - 1, H = [X];
  for (let l = 0; l <= last; l++) {
    const into = sizes[l], out = sizes[l + 1], w = W[l], h = H[l], next = new Float64Array(n * out);
    for (let p = 0, row = 0; p < n; p++, row += into) {
      for (let o = 0, col = 0; o < out; o++, col += into) {
        let u = b[l][o];
        for (let i = 0; i < into; i++) u += w[col + i] * h[row + i];
        next[p * out + o] = l < last ? f(u) : u;
      }
    }
    H.push(next);
  }
  return H;
}

// The mean cross-entropy of the softmax of the logits against labels y, and its gradient for every W and b.
export function gradients(net, X, y) {
  const { sizes, W } = net, n = y.length, L = W.length, H = forward(net, X, n);
  const slope = ACTIVATIONS[net.activation].slope, classes = sizes[L], logits = H[L];
  let delta = new Float64Array(n * classes), loss = 0;
  const exps = new Float64Array(classes);
  for (let p = 0; p < n; p++) {
    const row = p * classes;
    let max = -Infinity, sum = 0;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]);
    // each exp once, and none for the largest logit: exp(0) is exactly 1 (the same numbers, at a third of the cost
    // for two classes; Math.exp is most of a step's time)
    for (let c = 0; c < classes; c++) {
      const d = logits[row + c] - max;
      exps[c] = d === 0 ? 1 : Math.exp(d);
      sum += exps[c];
    }
    loss += Math.log(sum) + max - logits[row + y[p]];
    for (let c = 0; c < classes; c++) delta[row + c] = (exps[c] / sum - (c === y[p])) / n;
  }
  const gW = [], gb = [];
  for (let l = L - 1; l >= 0; l--) {
    const into = sizes[l], out = sizes[l + 1], h = H[l], w = W[l];
    const gw = new Float64Array(out * into), g = new Float64Array(out);
    const back = new Float64Array(l > 0 ? n * into : 0);  // the gradient at h, then at the sums that made it
    for (let p = 0, row = 0; p < n; p++, row += into) {
      for (let o = 0, col = 0; o < out; o++, col += into) {
        const d = delta[p * out + o];
        g[o] += d;
        for (let i = 0; i < into; i++) gw[col + i] += d * h[row + i];
        if (l > 0) for (let i = 0; i < into; i++) back[row + i] += d * w[col + i];
      }
    }
    for (let k = 0; k < back.length; k++) back[k] *= slope(h[k]);
    delta = back;
    gW[l] = gw;
    gb[l] = g;
  }
  return { loss: loss / n, gW, gb, H };
}

// ---- Optimisers over parameters {value, grad, decay}: decay is torch's L2 weight_decay (added to the gradient).

export function adam(params, { learning_rate: lr, betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8 }) {
  const m = params.map((p) => new Float64Array(p.value.length)), v = params.map((p) => new Float64Array(p.value.length));
  let t = 0;
  return () => {
    t += 1;
    const stepSize = lr / (1 - beta1 ** t), correction2 = Math.sqrt(1 - beta2 ** t);
    params.forEach(({ value, grad, decay }, k) => {
      for (let j = 0; j < value.length; j++) {
        const g = grad[j] + decay * value[j];
        m[k][j] = beta1 * m[k][j] + (1 - beta1) * g;
        v[k][j] = beta2 * v[k][j] + (1 - beta2) * g * g;
        value[j] -= (stepSize * m[k][j]) / (Math.sqrt(v[k][j]) / correction2 + eps);
      }
    });
  };
}

export function sgd(params, { learning_rate: lr }) {
  return () => params.forEach(({ value, grad, decay }) => {
    for (let j = 0; j < value.length; j++) value[j] -= lr * (grad[j] + decay * value[j]);
  });
}

const OPTIMISERS = { adam, sgd };

// ---- The trainer: a network, its data ({X: flat points, y: labels}) and an experiment's [train] settings.
export class Trainer {
  constructor(net, { X, y }, settings) {
    const { optimizer = "adam", weight_decay = 0, identity_pull = 0, batch_size = 0, contractive = 0 } = settings;
    if (batch_size) throw new Error(`train.batch_size = ${batch_size}: the live trainer trains on the full batch only (0)`);
    if (contractive) throw new Error("train.contractive: the live trainer has no contractive penalty");
    if (!OPTIMISERS[optimizer]) throw new Error(`train.optimizer '${optimizer}'; known: ${Object.keys(OPTIMISERS).join(", ")}`);
    this.net = net;
    this.X = Float64Array.from(X.flat ? X.flat() : X);
    this.y = Int32Array.from(y);
    if (this.X.length !== this.y.length * net.sizes[0]) {
      throw new Error(`${this.X.length / net.sizes[0]} points of ${net.sizes[0]} coordinates but ${this.y.length} labels`);
    }
    this.identityPull = identity_pull;
    this.params = [...net.W.map((value) => ({ value, grad: null, decay: weight_decay })),
      ...net.b.map((value) => ({ value, grad: null, decay: 0 }))];
    this.update = OPTIMISERS[optimizer](this.params, settings);
    this.steps = 0;
  }

  // One update; returns the mean cross-entropy before it (what train.py records as the step's loss).
  step() {
    const { net, identityPull } = this, { loss, gW, gb } = gradients(net, this.X, this.y);
    if (identityPull) {  // the penalty identity_pull * ||W - I||^2 on each square W: gradient 2 * pull * (W - I)
      net.W.forEach((w, l) => {
        const size = net.sizes[l];
        if (size !== net.sizes[l + 1]) return;
        for (let j = 0; j < w.length; j++) gW[l][j] += 2 * identityPull * (w[j] - (j % (size + 1) === 0 ? 1 : 0));
      });
    }
    [...gW, ...gb].forEach((grad, k) => (this.params[k].grad = grad));
    this.update();
    this.steps += 1;
    return loss;
  }

  // The share of the points the network classes right (the first of tied logits wins, as torch's argmax).
  accuracy() {
    const classes = this.net.sizes.at(-1), logits = forward(this.net, this.X).at(-1);
    let right = 0;
    this.y.forEach((label, p) => (right += argmax(logits, p * classes, classes) === label));
    return right / this.y.length;
  }
}

export function argmax(values, from, count) {
  let best = 0;
  for (let c = 1; c < count; c++) if (values[from + c] > values[from + best]) best = c;
  return best;
}
