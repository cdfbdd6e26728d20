// Node's `url` for the web build: the browser has the same WHATWG URL.
export const URL = globalThis.URL;
export default { URL };
