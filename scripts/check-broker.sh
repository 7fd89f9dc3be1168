#!/usr/bin/env bash
# Before the integration tests: a broker in a resource alarm (memory or disk) blocks every publisher, so each suite
# would wait out its own timeouts, for an hour in all, and say nothing of why. Stop at once instead, naming the alarm
# and what this machine's broker holds. Only a broker on this machine can be asked (rabbitmq-diagnostics).
set -uo pipefail

command -v rabbitmq-diagnostics >/dev/null || exit 0
alarms=$(rabbitmq-diagnostics -q check_alarms 2>&1) && exit 0
if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  echo "broker check: no RabbitMQ answers on this machine (rabbitmq-diagnostics ping); start it: rabbitmq-server -detached" >&2
  exit 1
fi
echo "broker check: RabbitMQ is in a resource alarm and blocks every publisher, so the tests would only time out:" >&2
echo "$alarms" >&2
rabbitmq-diagnostics -q status 2>/dev/null | grep -E 'Total memory used|Memory high watermark setting|Free disk space|Low free disk space' >&2
echo "the vhosts with the most messages (delete a test or bench vhost with rabbitmqctl delete_vhost <name>):" >&2
for vhost in $(rabbitmqctl -q list_vhosts name --no-table-headers 2>/dev/null); do
  messages=$(rabbitmqctl -q list_queues -p "$vhost" messages --no-table-headers 2>/dev/null | awk '{n += $1} END {print n + 0}')
  echo "  $vhost: $messages messages"
done | sort -t: -k2 -n -r | head -n 10 >&2
exit 1
