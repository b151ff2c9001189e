export async function handler() { return { experiments: 0 }; }
