/** A log request the indexes cannot serve, or a bad cursor: the caller must change `parameter`. */
export class LogQueryError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'LogQueryError';
  }
}
