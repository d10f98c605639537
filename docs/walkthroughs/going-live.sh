#!/usr/bin/env bash
# Walkthrough A: going live from an empty database with NODE_ENV=production (docs/WALKTHROUGHS.md, A).
#   bash docs/walkthroughs/going-live.sh before-start   # the tree from Excel, the first administrator
#   (source docs/walkthroughs/env-a.sh; npm start)        # in another terminal
#   bash docs/walkthroughs/going-live.sh after-start    # the administrator's accounts, a clerk's first day
# Secrets and one-time passwords are kept in /tmp/walk (a throwaway folder), never in the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p /tmp/walk
[ -s /tmp/walk/pepper ] || openssl rand -hex 32 > /tmp/walk/pepper
. docs/walkthroughs/env-a.sh
B=http://127.0.0.1:$PORT
J='Content-Type: application/json'

case "${1:-}" in
before-start)
  npx tsx docs/walkthroughs/make-orgs-xlsx.ts /tmp/walk/组织架构.xlsx
  npm run --silent orgs -- import /tmp/walk/组织架构.xlsx --dry-run
  npm run --silent orgs -- import /tmp/walk/组织架构.xlsx
  npm run --silent accounts -- create --org center --role admin --id admin --name 系统管理员 | tee /tmp/walk/admin.txt
  sed -n 2p /tmp/walk/admin.txt > /tmp/walk/admin-initial
  ;;
after-start)
  curl -s "$B/readyz" | jq -c '{status, postgres, temporal}'
  curl -s -o /dev/null -w 'dev-center in production: %{http_code}\n' "$B/v1/me" -H 'Authorization: Bearer dev-center'
  initial=$(cat /tmp/walk/admin-initial)
  session=$(curl -s -X POST "$B/v1/sessions" -H "$J" -d "{\"accountId\":\"admin\",\"password\":\"$initial\"}")
  echo "$session" | jq -c '{mustChangePassword, account}'
  token=$(echo "$session" | jq -r .token)
  curl -s "$B/v1/accounts" -H "Authorization: Bearer $token" | jq -c .
  curl -s -w 'password changed: %{http_code}\n' -X POST "$B/v1/me/password" -H "Authorization: Bearer $token" -H "$J" \
    -d "{\"currentPassword\":\"$initial\",\"newPassword\":\"Changle-Ops-2026!\"}"
  cat > /tmp/walk/人员.csv <<'CSV'
id,role,orgId,name
center-duty,center,center,区中心值班员
wuhang-duty,street,wuhang,吴航街道值班员
xiguan-clerk,community,xiguan,西关社区工作人员
dongguan-clerk,community,dongguan,东关社区工作人员
xiguan-jiangjing-clerk,community,xiguan-jiangjing,江景小区物业
urban-duty,department,urban,城管局值班员
water-duty,department,water,水利局值班员
housing-duty,department,housing,住建局值班员
supervision-duty,supervisor,supervision,督查室
CSV
  curl -s -X POST "$B/v1/accounts/import" -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary @/tmp/walk/人员.csv > /tmp/walk/created.json
  jq -r '.created[] | "\(.id)  key \(.key[0:6])…  initial password (16 characters)"' /tmp/walk/created.json
  clerk=$(jq -r '.created[] | select(.id == "xiguan-clerk") | .initialPassword' /tmp/walk/created.json)
  npx tsx docs/walkthroughs/clerk-first-day.ts "$B" xiguan-clerk "$clerk" 'Xiguan#Clerk2026'
  street=$(jq -r '.created[] | select(.id == "wuhang-duty") | .key' /tmp/walk/created.json)
  curl -s "$B/v1/whistles?holder=me" -H "Authorization: Bearer $street" | jq -c '.items[] | {id, title, status, holder, dueAt}'
  ;;
*) echo "usage: $0 before-start|after-start" >&2; exit 2 ;;
esac
