// The source text of assert's argument, as glibc's assert macro quotes it (#expr) in its
// message: the emulator prints it, and the C twin of a scenario must print the same.
export function assertText(line: string, col: number): string {
  const start = line.indexOf('(', col - 1);
  if (start < 0) return line.trim();
  let depth = 0;
  for (let i = start; i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return line.slice(start + 1, i).trim();
  }
  return line.slice(start + 1).trim();
}
