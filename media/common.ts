// What every view shares: the host channel, DOM building (text only: data never becomes
// markup), theme colours and number formatting.
import type { HostMessage, ViewMessage } from '../src/protocol/messages';
import type { HeapState } from '../src/protocol/state';

interface VsCodeApi { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(m: ViewMessage): void { api.postMessage(m); }
export function saved<T>(): T | undefined { return (api.getState() as T | undefined) ?? undefined; }
export function save<T>(s: T): void { api.setState(s); }

// Test hooks: the webview tests and the benchmark read what was drawn from here.
export interface TestHook { renders: number; [k: string]: unknown }
export const hook: TestHook = { renders: 0 };
(window as unknown as { __heapstep: TestHook }).__heapstep = hook;

export { el, type Child } from './dom';
import { el } from './dom';

export const hex = (n: number): string => '0x' + n.toString(16);

export function bytes(n: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0, v = n;
  while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${i ? v.toFixed(v < 10 ? 2 : 1) : v} ${u[i]}`;
}

export function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

// Starts a view: draws each state the host sends and says 'ready' so the host sends one.
export function start(root: HTMLElement, render: (s: HeapState) => void, onSelect?: (addr: number) => void): void {
  const status = el('p', { cls: 'status', attrs: { role: 'status' } });
  root.before(status);
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as HostMessage;
    switch (m?.type) {
      case 'state':
        status.textContent = '';
        root.hidden = false;
        render(m.state);
        hook.renders++;
        break;
      case 'noSession':
        status.textContent = 'No HeapStep program is stopped. Start debugging a .heap file to see this view.';
        root.hidden = true;
        break;
      case 'error':
        status.textContent = String(m.message);
        break;
      case 'select':
        if (typeof m.addr === 'number') onSelect?.(m.addr);
        break;
    }
  });
  post({ type: 'ready' });
}
