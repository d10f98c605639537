/**
 * What the operators' commands (`npm run accounts|orgs|assessments|notifications -- …`) share:
 * a wrong call prints its reason and the command's usage and exits 2; the command word is checked
 * against those the command knows; options are read strictly (an unknown one is a wrong call).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandLine<C extends string> {
  /** Prints `message` and the usage, then exits 2 (a wrong call: nothing was done). */
  fail(message: string): never;
  /** The command word (one of `commands`, or a wrong call) and the arguments after it. */
  read(argv?: string[]): [command: C, rest: string[]];
  /** The options after the command word, read by node:util's parseArgs, or a wrong call. */
  options<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, allowPositionals?: boolean):
    ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>;
}

export function commandLine<C extends string>(usage: string, commands: readonly C[]): CommandLine<C> {
  const fail = (message: string): never => {
    console.error(`${message}\n${usage}`);
    process.exit(2);
  };
  return {
    fail,
    read([given, ...rest] = process.argv.slice(2)) {
      if (!commands.includes(given as C)) fail(given ? `unknown command "${given}"` : 'no command given');
      return [given as C, rest];
    },
    options(args, options, allowPositionals = false) {
      try {
        return parseArgs({ args, options, allowPositionals, strict: true });
      } catch (err) {
        return fail((err as Error).message);
      }
    },
  };
}
