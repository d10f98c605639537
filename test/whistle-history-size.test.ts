/** A whistle with 200 progress notes of 2,000 characters stays far below Temporal's limits (1,000 in `npm run chaos`). */
import { historySizeTest } from './support/history-size';

historySizeTest(Number(process.env.HISTORY_NOTES ?? 200));
