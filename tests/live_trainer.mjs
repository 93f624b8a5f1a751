// Runs the page's trainer (templates/static/trainer.js) for tests/test_live_trainer.py: reads a JSON job
// {sizes, activation, train, steps, X, y, seeds: [{seed, W?, b?}]}, trains every seed from the weights given
// (or, without them, from the trainer's own draw for that seed), and prints
// {loss: [per seed, per step], accuracy: [per seed], init: [per seed, the drawn W of each layer]}.
import { readFileSync } from "node:fs";
import { glorotUniform, network, Trainer } from "../templates/static/trainer.js";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = { loss: [], accuracy: [], init: [] };
for (const { seed, W, b } of job.seeds) {
  const drawn = glorotUniform(job.sizes, seed, job.activation);
  out.init.push(drawn.W.map((w) => Array.from(w)));
  const net = W ? network({ sizes: job.sizes, activation: job.activation, W, b }) : drawn;
  const trainer = new Trainer(net, { X: job.X, y: job.y }, job.train);
  const losses = [];
  for (let step = 0; step < job.steps; step++) losses.push(trainer.step());
  out.loss.push(losses);
  out.accuracy.push(trainer.accuracy());
}
process.stdout.write(JSON.stringify(out));
