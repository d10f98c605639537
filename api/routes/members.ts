/** Party members' records on the neighbour-help board: what they took, served, missed, and how it was rated. */
import type { FastifyInstance } from 'fastify';
import { signedInRoutes } from '../plugins/auth';
import { authed, errors } from '../schemas/common';
import { MemberIdParam, MemberRecord } from '../schemas/help';

export default async function memberRoutes(fastify: FastifyInstance) {
  const app = signedInRoutes(fastify);

  app.get('/:id/record', {
    schema: {
      tags: ['help'], operationId: 'getMemberRecord', summary: "A party member's record: services done, no-shows, ratings (the member, its community, the center; 404 for anyone else)",
      ...authed, params: MemberIdParam,
      response: { 200: { ...MemberRecord, description: 'Services done, no-shows and ratings of the member' }, ...errors('unauthenticated', 'not_found') },
    },
  }, async (request) => app.services.help.memberRecord(request.account!, request.params.id));
}
