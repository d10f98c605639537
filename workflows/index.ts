/** Every workflow the worker runs. */
export { whistle } from './whistle';
export { help } from './help';
export { outboxDelivery } from './outbox-delivery';
export { calendarChange } from './calendar-change';
export { reporterRetention } from './reporter-retention';
export { assessmentPublication } from './assessment-publication';
export { proactiveRound } from './proactive-round';
export { photoSweep } from './photo-sweep';
export { suggestionRetraining } from './suggestion-retraining';
