/**
 * The vocabulary of Whistle (吹哨报到): roles, organisation kinds, whistle and help-request
 * statuses, lists, actions, views, timeline types, projections, policy keys, notification kinds
 * and their Chinese labels, and the district's clock (Asia/Shanghai). The leaf of the project: it imports nothing outside this folder, and
 * every other part (workflows, activities, API, console) may import it.
 */
export * from './roles';
export * from './whistle';
export * from './whistle-actions';
export * from './help';
export * from './projection';
export * from './policy-keys';
export * from './notifications';
export * from './labels';
export * from './attachments';
export * from './timeline-notes';
export * from './shanghai-time';
