// The node sampler with its process scans (node-cpu.ts), run apart from the bench by
// sampleNodeCpuInProcess: told `stop`, it sends what it saw and goes.
import { sampleNodeCpu } from './node-cpu.ts';

const sampling = sampleNodeCpu({ processes: true });
process.send!('started');
process.once('message', () => process.send!(sampling.stop(), () => process.disconnect()));
// The bench is gone: the sampler's timer must not keep this process alive.
process.once('disconnect', () => process.exit(0));
