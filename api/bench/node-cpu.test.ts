import { describe, expect, it } from 'vitest';
import { sampleNodeCpu, sampleNodeCpuInProcess, shares } from './node-cpu.ts';

describe('shares', () => {
  it('counts idle, iowait and steal as not busy, and steal apart', () => {
    // user nice system idle iowait irq softirq steal
    const from = [100, 0, 50, 1000, 10, 0, 5, 20];
    const to = [140, 0, 60, 1030, 15, 0, 10, 30]; // 100 ticks: 55 busy, 30 idle, 5 iowait, 10 stolen
    const { busy, steal } = shares(from, to);
    expect(busy).toBeCloseTo(55);
    expect(steal).toBeCloseTo(10);
  });
});

describe('sampleNodeCpu', () => {
  it('reads this machine\'s CPUs in 200 ms windows', async () => {
    const sampler = sampleNodeCpu();
    await new Promise((resolve) => setTimeout(resolve, 450));
    const cpu = sampler.stop();
    expect(cpu.windows).toBe(2);
    expect(cpu.busy).toBeGreaterThanOrEqual(0);
    expect(cpu.busy + cpu.steal).toBeLessThanOrEqual(100);
  });
});

describe('sampleNodeCpu with processes', () => {
  it('says who had the CPUs only when asked', async () => {
    const plain = sampleNodeCpu();
    const detailed = sampleNodeCpu({ processes: true });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(plain.stop().saturatedBy).toBeUndefined();
    const cpu = detailed.stop();
    expect(cpu.saturatedBy).toBeDefined();
    expect(cpu.scanMsMax).toBeGreaterThan(0);
    // This very process is a node one, seen at both ends of one window of about 200 ms.
    const own = cpu.loopsWaited!.find(({ name }) => name.startsWith('node '));
    expect(own?.windowMs).toBeGreaterThan(150);
  });
});

describe('sampleNodeCpuInProcess', () => {
  it('scans /proc in a sampler process of its own and hands back what it saw', async () => {
    const sampling = await sampleNodeCpuInProcess();
    await new Promise((resolve) => setTimeout(resolve, 450));
    const cpu = await sampling.stop();
    expect(cpu.windows).toBeGreaterThanOrEqual(1);
    expect(cpu.scanMsMax).toBeGreaterThan(0);
    // The sampler names itself among our node processes: the scans ran there, not here.
    expect(cpu.loopsWaited!.map(({ name }) => name)).toContain('node node-cpu-process.ts');
  });
});
