/** The slice of a pino logger the simulator uses; pass a pino logger, or nothing for silence. */
export interface SimulatorLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  debug(object: object, message?: string): void;
}
