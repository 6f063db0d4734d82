/**
 * The logging surface every domain package takes. It has no GitHub dependency, so the same
 * logic can run from a CLI; action-kit adapts it to @actions/core.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a collapsible group (a plain heading outside GitHub). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export function consoleLogger(options: { debug?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const out = options.stream ?? process.stderr;
  const write = (prefix: string, message: string) => out.write(`${prefix}${message}\n`);
  return {
    debug: (m) => {
      if (options.debug) write('[debug] ', m);
    },
    info: (m) => write('', m),
    warning: (m) => write('warning: ', m),
    error: (m) => write('error: ', m),
    group: async (name, fn) => {
      write('== ', name);
      return fn();
    },
  };
}

/** A logger that keeps every line, for tests and for replaying into a summary. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: async (name, fn) => {
      lines.push(`group: ${name}`);
      return fn();
    },
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
  group: (_name, fn) => fn(),
};
