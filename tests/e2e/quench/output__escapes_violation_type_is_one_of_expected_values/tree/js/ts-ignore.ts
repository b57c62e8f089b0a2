// VIOLATION: @ts-ignore in source code (forbidden)
// @ts-ignore
const result: number = "not a number";
