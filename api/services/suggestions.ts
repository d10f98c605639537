/**
 * 智能分派 for the API: a suggestion for a text, the on-demand retraining, and the record of what
 * was suggested for each whistle as filed (compared in /v1/stats with what was finally chosen).
 */
import type { Pool } from 'pg';
import { distinctWords } from '../../lib/text/words';
import { retrain, type Retrained } from '../../lib/suggest/retrain';
import { ModelNotReady, Suggester } from '../../lib/suggest/suggester';
import type { Suggestion } from '../../lib/suggest/predict';
import { HttpError, invalid } from '../errors';
import type { SuggestBody } from '../schemas/suggest';

export class SuggestionService {
  private readonly suggester: Suggester;

  constructor(private readonly pool: Pool) {
    this.suggester = new Suggester(pool);
  }

  async suggest(body: SuggestBody): Promise<Suggestion & { modelVersion: number }> {
    if (distinctWords(`${body.title}\n${body.description}`, 1).length === 0) {
      throw invalid('title and description hold no word to suggest from', '标题和描述里没有可以分析的字词，请先填写事项内容');
    }
    try {
      const { version, ...s } = await this.suggester.suggest(body.title, body.description);
      return { ...s, modelVersion: version };
    } catch (err) {
      if (err instanceof ModelNotReady) throw new HttpError('unavailable', err.message, '智能分派模型正在首次训练，请稍后再试');
      throw err;
    }
  }

  retrain(actor: string): Promise<Retrained> {
    return retrain(this.pool, actor);
  }

  /** After a filing: what was suggested for its text. Never fails the filing (the caller logs a failure). */
  recordFiled(whistle: { id: string; title: string; description: string }): Promise<void> {
    return this.suggester.recordFiled(whistle);
  }
}
