/** Every workflow the worker runs. */
export { whistle } from './whistle';
