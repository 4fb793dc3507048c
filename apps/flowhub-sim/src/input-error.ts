/** Bad input to the simulator's admin API or programmatic options: answered with a 400 naming the problem. */
export class SimInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimInputError';
  }
}
