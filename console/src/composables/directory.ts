/** The organisation tree and the categories, fetched once per sign-in and shared by every page. */
import { computed, ref } from 'vue';
import { categories as fetchCategories, orgs as fetchOrgs } from '../api/calls';
import type { Category, Org } from '../api/types';

const orgList = ref<Org[]>([]);
const categoryList = ref<Category[]>([]);
let loading: Promise<void> | null = null;

export function loadDirectory(): Promise<void> {
  loading ??= Promise.all([fetchOrgs(), fetchCategories()]).then(([o, c]) => {
    orgList.value = o;
    categoryList.value = c;
  }).catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

export function forgetDirectory() {
  loading = null;
  orgList.value = [];
}

export function useDirectory() {
  void loadDirectory().catch(() => undefined);
  const byId = computed(() => new Map(orgList.value.map((o) => [o.id, o])));
  const categoryNames = computed(() => new Map(categoryList.value.map((c) => [c.id, c.name])));
  return {
    orgs: orgList,
    categories: categoryList,
    departments: computed(() => orgList.value.filter((o) => o.kind === 'department')),
    orgName: (id: string | null | undefined) => (id ? byId.value.get(id)?.name ?? id : '—'),
    org: (id: string) => byId.value.get(id),
    childrenOf: (id: string) => orgList.value.filter((o) => o.parentId === id),
    categoryName: (id: string | null | undefined) => (id ? categoryNames.value.get(id) ?? id : '—'),
  };
}
