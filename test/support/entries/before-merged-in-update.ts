/**
 * Test only: the whistle workflow as it ran before the `mergedIn` update existed (the frozen
 * module, which has the `mergedIn` signal only), for an original filed before the update came.
 */
export { whistle } from '../../../workflows/whistle/frozen/every-deadline-armed';
