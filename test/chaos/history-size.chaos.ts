/** 1,000 progress notes of 2,000 characters on one whistle: history size and event count far below Temporal's limits. */
import { historySizeTest } from '../support/history-size';

historySizeTest(Number(process.env.HISTORY_NOTES ?? 1000));
