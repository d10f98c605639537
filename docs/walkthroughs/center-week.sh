#!/usr/bin/env bash
# Walkthrough B: a week of the district service center's work on `npm start` with the dev seed
# (docs/WALKTHROUGHS.md, B). Start the stack first (source env-b.sh; npx tsx scripts/start.ts).
#   bash docs/walkthroughs/center-week.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. docs/walkthroughs/env-b.sh
temporal=$(bash scripts/ensure-temporal.sh)
J='Content-Type: application/json'
run=${RUN:-$(date +%s)}   # idempotency keys of this run
say() { printf '\n## %s\n' "$*"; }
call() { # call WHO METHOD PATH [BODY]: the API as the dev account WHO (key dev-WHO)
  curl -s -X "$2" "$B$3" -H "Authorization: Bearer dev-$1" -H "$J" -H "Idempotency-Key: $run-$RANDOM" ${4:+-d "$4"}
}
act() { # act WHO ACTION WHISTLE BODY: one action, its outcome in one line
  call "$1" POST "/v1/whistles/$3/$2" "$4" | jq -c "{by: \"$1\", action: \"$2\", status, holder, list,
    departments: [.departments[]? | \"\(.id)\(if .lead then \"(牵头)\" else \"\" end):\(.status)\"], returns, error: .error.messageZh}"
}
file() { # file WHO TITLE DESCRIPTION CATEGORY COMPOUND PHONE: a whistle's id
  call "$1" POST /v1/whistles "{\"title\":\"$2\",\"description\":\"$3\",\"category\":\"$4\",
    \"location\":{\"compoundId\":\"$5\"},\"reporter\":{\"name\":\"陈先生\",\"phone\":\"$6\"}}" | jq -r .id
}

say "1. 未诉先办: a round for two communities, its Schedule triggered now"
round=$(call center POST /v1/proactive '{"title":"冬季供水管道防冻巡查","description":"入冬前检查各社区老旧小区的外露供水管道和水表井保温",
  "category":"utilities","communityIds":["xiguan","dongguan"],"list":"immediate","departmentIds":["water","housing"],
  "leadDepartmentId":"water","schedule":{"everyDays":7}}')
echo "$round" | jq -c '{id, schedule, nextRunAt}'
id=$(echo "$round" | jq -r .id)
"$temporal" schedule trigger --schedule-id "proactive-$id" --address "$TEMPORAL_ADDRESS"
for _ in $(seq 30); do   # the round files its whistles within a second or two
  n=$(call water GET '/v1/whistles?holder=me' | jq '[.items[] | select(.title == "冬季供水管道防冻巡查")] | length')
  [ "$n" -ge 2 ] && break; sleep 1
done
for w in $(call water GET '/v1/whistles?holder=me' | jq -r '.items[] | select(.title == "冬季供水管道防冻巡查") | .id'); do
  call water GET "/v1/whistles/$w" | jq -c '{id, source, status, list, communityId, holder,
    departments: [.departments[] | "\(.id)\(if .lead then "(牵头)" else "" end):\(.status)"], timeline: [.timeline[] | "\(.type) by \(.actor)"]}'
done

say "2. 高频诉求: three 环境卫生 whistles from 西关社区, then GET /v1/insights/recurring"
env1=$(file xiguan 西关路垃圾桶满溢无人清运 西关路12号门口三个垃圾桶连续两天满溢，异味明显 environment xiguan-jiangjing 13900000101)
env2=$(file xiguan 江景小区垃圾分类点脏乱 小区东门垃圾分类点地面污水横流，蚊蝇多 environment xiguan-jiangjing 13900000102)
env3=$(file xiguan 菜市场周边垃圾堆放 西关菜市场北侧空地堆放建筑垃圾和生活垃圾 environment xiguan-jiangjing 13900000103)
echo "filed $env1 $env2 $env3"
call center GET /v1/insights/recurring | jq -c '.items[] | {placeName, level, categoryName, count, previousCount, whistleIds}'

say "3. 智能分派: a suggestion from the text, filed with its first category"
suggestion=$(call xiguan POST /v1/suggest '{"title":"小区路灯不亮","description":"江景小区5号楼前两盏路灯坏了一个多月，晚上老人出行摔倒"}')
echo "$suggestion" | jq -c .
light=$(file xiguan 小区路灯不亮 江景小区5号楼前两盏路灯坏了一个多月，晚上老人出行摔倒 "$(echo "$suggestion" | jq -r '.categories[0].id')" xiguan-jiangjing 13900000011)
call center GET "/v1/whistles/$light" | jq -c '{id, category, status}'

say "4. The whistle's way: escalate, triage, return, triage with the ruling, resolve"
act wuhang accept "$light" '{}'
act wuhang escalate "$light" '{"reason":"小区内道路照明街道无维修权限"}'
call center GET "/v1/whistles/$light" | jq -c '{suggestion}'
act center triage "$light" '{"list":"immediate","departmentIds":["transport","urban"],"leadDepartmentId":"transport","note":"按智能推荐派交通局牵头"}'
act transport return "$light" '{"reason":"小区路灯不属于道路交通设施，应由城管路灯所负责","kind":"not_our_function"}'
act center triage "$light" '{"list":"immediate","departmentIds":["urban"],"note":"改派城管局"}'
act center triage "$light" '{"list":"immediate","departmentIds":["urban"],"note":"改派城管局","returnRuling":"upheld"}'
act urban accept "$light" '{}'
act urban resolve "$light" '{"result":"已更换5号楼前两盏路灯灯具并检修线路，夜间照明恢复","outcome":"solved"}'

say "5. 回访: the callbacks due, the call, the list again"
call center GET '/v1/whistles?callbackDue=true' | jq -c '[.items[] | {id, title, status}]'
call center POST "/v1/whistles/$light/callback" '{"reached":true,"rating":"satisfied","note":"电话回访林阿姨：路灯已亮，满意"}' | jq -c '{status, callback}'
call center GET '/v1/whistles?callbackDue=true' | jq -c '[.items[] | {id, title, status}]'
call center POST "/v1/whistles/$light/callback" '{"reached":true,"rating":"satisfied"}' | jq -c .
call center GET "/v1/whistles/$light" | jq -r '.timeline[] | "  \(.at)  \(.type)  \(.actor)  \(.note // "")"'

say "6. For the pictures: one resolved by the street (a callback due), one returned and waiting for its ruling"
act wuhang accept "$env1" '{}'
act wuhang resolve "$env1" '{"result":"已协调环卫所加派清运车，垃圾桶每日清运两次","outcome":"solved"}'
act wuhang escalate "$env2" '{"reason":"分类点改造需区城管局和生态环境局协调"}'
act center triage "$env2" '{"list":"immediate","departmentIds":["environment","urban"],"leadDepartmentId":"environment"}'
act environment return "$env2" '{"reason":"垃圾分类点日常保洁属城管环卫，非生态环境局职能","kind":"not_our_function"}'
echo "returned, waiting for the center: $env2"

say "7. 定期验单, live: the units that received something"
call center GET '/v1/assessments?quarter=2026-Q4&live=true' | jq -c '.live, (.items[] | select(.received > 0) | {unitId, received, acceptedOnTime, resolved, returned,
  pendingAcceptance, pendingResolution, returnsUpheld, returnsRejected, callbacks, callbacksReached, callbackSatisfied,
  responseRate, resolutionRate, onTimeRate, callbackSatisfactionRate, score})'
