/**
 * `npm run console:build`: builds the staff console (console/ → console/dist) whatever its
 * state, and prints the gzipped size of every file and of the sign-in screen (the build fails
 * above its budget). `npm start` and `npm test` build it on their own when it is missing or stale.
 */
import { buildConsole } from '../lib/console-build';

buildConsole().then(() => {
  console.log('console built into console/dist (served at /console/)');
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
