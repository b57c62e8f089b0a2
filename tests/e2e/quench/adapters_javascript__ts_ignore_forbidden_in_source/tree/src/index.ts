// @ts-ignore - Forbidden in source code
const x: number = 'string';

export function broken(): number {
  return x;
}
