// Node's `events` for the web build: @vscode/debugadapter's sessions are EventEmitters and use
// only on/once/off/emit of it.
type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private listeners = new Map<string | symbol, Listener[]>();
  on(name: string | symbol, fn: Listener): this { this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]); return this; }
  addListener(name: string | symbol, fn: Listener): this { return this.on(name, fn); }
  once(name: string | symbol, fn: Listener): this {
    const wrapped: Listener = (...a) => { this.off(name, wrapped); fn(...a); };
    return this.on(name, wrapped);
  }
  off(name: string | symbol, fn: Listener): this { this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== fn)); return this; }
  removeListener(name: string | symbol, fn: Listener): this { return this.off(name, fn); }
  removeAllListeners(name?: string | symbol): this { if (name === undefined) this.listeners.clear(); else this.listeners.delete(name); return this; }
  emit(name: string | symbol, ...args: unknown[]): boolean {
    const ls = this.listeners.get(name);
    if (!ls?.length) return false;
    for (const l of [...ls]) l(...args);
    return true;
  }
}
export default { EventEmitter };
