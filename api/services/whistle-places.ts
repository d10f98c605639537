/**
 * Where a community-role account's whistles are filed: a community's, a compound's (小区) and a
 * grid's (网格). Which of them it sees is `canSee`'s (workflows/visibility.ts), in the list too.
 */
import { invalid } from '../errors';
import type { FileWhistleBody } from '../schemas/whistles';
import type { Account, Directory } from './directory';

/**
 * Where a whistle may be filed from (小区吹哨, 网格吹哨): a compound's account files for its own
 * compound and a grid's for its own grid (their ids filled in when left out; anything else is
 * 400); a compound named must be one of the community; a grid id named must be a grid of the
 * community (a grid given as free text, not a unit's id, is kept as written).
 */
export async function checkFilingPlace(directory: Directory, account: Account, communityId: string, location: NonNullable<FileWhistleBody['location']>): Promise<void> {
  const callerOrg = await directory.org(account.orgId);
  if (callerOrg?.kind === 'compound') {
    location.compoundId ??= callerOrg.id;
    if (location.compoundId !== callerOrg.id) {
      throw invalid(`location.compoundId: a compound's account files only for its own compound (${callerOrg.id})`, `小区账号只能为本小区（${callerOrg.name}）吹哨`);
    }
  }
  if (callerOrg?.kind === 'grid') {
    location.grid ??= callerOrg.id;
    if (location.grid !== callerOrg.id) {
      throw invalid(`location.grid: a grid's account files only for its own grid (${callerOrg.id})`, `网格账号只能为本网格（${callerOrg.name}）吹哨`);
    }
  }
  if (location.compoundId !== undefined) {
    const compound = await directory.org(location.compoundId);
    if (compound?.kind !== 'compound' || compound.parentId !== communityId) {
      throw invalid(`location.compoundId: "${location.compoundId}" is not a compound of ${communityId}`, '所选小区不属于本社区');
    }
  }
  if (location.grid !== undefined) {
    const unit = await directory.org(location.grid);
    if (unit && (unit.kind !== 'grid' || unit.parentId !== communityId)) {
      throw invalid(`location.grid: "${location.grid}" is not a grid of ${communityId}`, '所选网格不属于本社区');
    }
  }
}
