/**
 * The search attributes operators filter on in the Temporal UI and CLI
 * (e.g. `WhistleStatus="escalated" AND Overdue=true`). Defined once, used by the workflows
 * to keep them current and by the setup code to register them.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const WhistleStatus = defineSearchAttributeKey('WhistleStatus', SearchAttributeType.KEYWORD);
export const WhistleList = defineSearchAttributeKey('WhistleList', SearchAttributeType.KEYWORD);
export const StreetId = defineSearchAttributeKey('StreetId', SearchAttributeType.KEYWORD);
export const CommunityId = defineSearchAttributeKey('CommunityId', SearchAttributeType.KEYWORD);
export const DepartmentIds = defineSearchAttributeKey('DepartmentIds', SearchAttributeType.KEYWORD_LIST);
export const Category = defineSearchAttributeKey('Category', SearchAttributeType.KEYWORD);
export const DueAt = defineSearchAttributeKey('DueAt', SearchAttributeType.DATETIME);
export const Overdue = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);
export const HelpStatus = defineSearchAttributeKey('HelpStatus', SearchAttributeType.KEYWORD);
/** 临期预警: the warning time of the current deadline has come (whistles with the center's tools). */
export const WhistleDueSoon = defineSearchAttributeKey('WhistleDueSoon', SearchAttributeType.BOOL);

export const ALL_SEARCH_ATTRIBUTES = [
  WhistleStatus, WhistleList, StreetId, CommunityId, DepartmentIds, Category, DueAt, Overdue, HelpStatus, WhistleDueSoon,
];
