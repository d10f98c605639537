/** 智能分派: suggestions of category, departments and list from a matter's text; the clerk decides. */
import type { FastifyInstance } from 'fastify';
import { requireRole, signedInRoutes } from '../plugins/auth';
import { authed, described, errors } from '../schemas/common';
import { Retrained, SuggestBody, Suggestion } from '../schemas/suggest';

export default async function suggestRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.post('/suggest', {
    schema: {
      tags: ['practice'], operationId: 'suggestFromText', ...authed, body: SuggestBody,
      summary: '智能分派: the likely categories, departments and list of a matter from its title and description (community, street, center)',
      description: 'Worked out on this machine with the district\'s own model (trained from the shipped lexicon and the district\'s ' +
        'history) and the dispatch catalogue as it stands. A text without a word in it (empty, or punctuation only) is 400.',
      response: { 200: described(Suggestion, 'The suggestion'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    requireRole(request, 'community', 'street', 'center');
    return app.services.suggestions.suggest(request.body);
  });

  app.post('/suggest/retrain', {
    schema: {
      tags: ['practice'], operationId: 'retrainSuggestions', ...authed,
      summary: 'Trains a new version of the suggestions\' model from the history now (the center); audited',
      description: 'Takes seconds with a large history; the version it stores answers every API process from then on.',
      response: { 200: described(Retrained, 'The new version'), ...errors('unauthenticated', 'forbidden') },
    },
  }, async (request) => {
    const account = requireRole(request, 'center');
    return app.services.suggestions.retrain(account.id);
  });
}
