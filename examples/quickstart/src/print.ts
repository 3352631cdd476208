/** Minimal terminal output for the demo: headings, indented lines, ticks and crosses. */
const color = process.stdout.isTTY && !process.env['NO_COLOR'];
const paint = (code: number, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);

export const print = {
  heading(title: string): void {
    process.stdout.write(`\n${paint(1, `== ${title}`)}\n`);
  },
  line(text: string, indent = 1): void {
    process.stdout.write(`${'  '.repeat(indent)}${text}\n`);
  },
  ok(text: string): void {
    process.stdout.write(`  ${paint(32, '✓')} ${text}\n`);
  },
  bad(text: string): void {
    process.stdout.write(`  ${paint(31, '✗')} ${text}\n`);
  },
};

export type Printer = typeof print;
