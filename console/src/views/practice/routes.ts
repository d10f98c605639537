/** The center's practice (国办函〔2025〕66号): 回访, 高频诉求, 未诉先办 and the knowledge base (知识库). */
import type { RouteRecordRaw } from 'vue-router';

export const practiceRoutes: RouteRecordRaw[] = [
  { path: 'callbacks', name: 'callbacks', component: () => import('./CallbackList.vue'), meta: { title: '回访', right: 'callbacks' } },
  { path: 'recurring', name: 'recurring', component: () => import('./RecurringMatters.vue'), meta: { title: '高频诉求', right: 'recurring' } },
  { path: 'proactive', name: 'proactive', component: () => import('./ProactiveRounds.vue'), meta: { title: '未诉先办', right: 'proactive' } },
  { path: 'knowledge', name: 'knowledge', component: () => import('./KnowledgeBase.vue'), meta: { title: '知识库', right: 'knowledge' } },
];
