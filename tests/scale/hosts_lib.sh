# Two throwaway "hosts" on this machine for the engine tests (sourced by parallel_ssh_test.sh
# and parallel_ssh_bench.sh): each is a network namespace with its own veth address, an sshd
# that accepts one throwaway key, and its own copy of faultline, the scenarios and a store
# directory. Each sshd runs in a private mount namespace in which the host's own directory is
# bound over one common path ($HOST_DIR), so a command sent over ssh finds "its" binary at the
# same path on every host, as on a real fleet. Needs root (netns, veth, mounts), sshd, ssh.
# After hosts_setup: HOSTS=(addr1 addr2), SSH_CMD (an ssh command line with the key),
# HOST_DIR (the common path). hosts_teardown stops and removes everything; call it from a trap.

hosts_skip_reason() {
  [ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, veth, bind mounts)"; return; }
  for tool in ip sshd ssh ssh-keygen unshare parallel; do
    command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] ||
      { echo "$tool is not installed (Debian: iproute2, openssh-server, openssh-client, parallel)"; return; }
  done
  local probe="flprobe$$"
  if ! ip netns add "$probe" 2> /dev/null; then
    echo "cannot create a network namespace here (ip netns add failed: no CAP_SYS_ADMIN?)"
    return
  fi
  ip netns del "$probe"
}

# hosts_setup TMP BUILD_DIR SOURCE_DIR
hosts_setup() {
  local tmp=$1 build=$2 src=$3 net=$(( $$ % 200 + 20 ))
  HOST_DIR="$tmp/host"; mkdir -p "$HOST_DIR" "$tmp/ssh"
  ssh-keygen -q -t ed25519 -N "" -f "$tmp/ssh/id" > /dev/null
  ssh-keygen -q -t ed25519 -N "" -f "$tmp/ssh/hostkey" > /dev/null
  cp "$tmp/ssh/id.pub" "$tmp/ssh/authorized_keys"
  mkdir -p /run/sshd  # sshd's privilege-separation directory
  HOSTS=(); HOST_NS=(); HOST_LINKS=()
  for n in 1 2; do
    local ns="flhost$n-$$" link="fl$n$$" addr="10.213.$net.$(( n * 4 + 2 ))"
    ip netns add "$ns"; HOST_NS+=("$ns")
    ip link add "$link" type veth peer name "${link}p"; HOST_LINKS+=("$link")
    ip link set "${link}p" netns "$ns"
    ip addr add "10.213.$net.$(( n * 4 + 1 ))/30" dev "$link"; ip link set "$link" up
    ip netns exec "$ns" ip addr add "$addr/30" dev "${link}p"
    ip netns exec "$ns" ip link set "${link}p" up
    ip netns exec "$ns" ip link set lo up
    mkdir -p "$tmp/h$n/store"; cp "$build/faultline" "$tmp/h$n/"; cp -r "$src/scenarios" "$tmp/h$n/"
    cat > "$tmp/ssh/sshd_$n" <<CONF
ListenAddress $addr:22
HostKey $tmp/ssh/hostkey
AuthorizedKeysFile $tmp/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
StrictModes no
UsePAM no
PidFile $tmp/ssh/sshd_$n.pid
CONF
    ip netns exec "$ns" unshare -m --propagation private sh -c \
      "mount --bind '$tmp/h$n' '$HOST_DIR' && exec /usr/sbin/sshd -f '$tmp/ssh/sshd_$n' -E '$tmp/ssh/sshd_$n.log'"
    HOSTS+=("$addr")
  done
  SSH_CMD="ssh -i $tmp/ssh/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes"
  for addr in "${HOSTS[@]}"; do
    for _ in $(seq 50); do $SSH_CMD "root@$addr" true 2> /dev/null && break; sleep 0.1; done
    $SSH_CMD "root@$addr" true || { echo "cannot ssh to $addr (log: $tmp/ssh)"; return 1; }
  done
}

hosts_teardown() {
  local tmp=$1
  for pidfile in "$tmp"/ssh/sshd_*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2> /dev/null
  done
  for ns in "${HOST_NS[@]}"; do ip netns del "$ns" 2> /dev/null; done
  for link in "${HOST_LINKS[@]}"; do ip link del "$link" 2> /dev/null; done
  return 0
}

# hosts_gather TMP DEST: copies each host's store/ back into DEST/h<n>/ over ssh.
hosts_gather() {
  local tmp=$1 dest=$2 n=1
  for addr in "${HOSTS[@]}"; do
    mkdir -p "$dest/h$n"
    $SSH_CMD "root@$addr" "cd '$HOST_DIR' && tar cf - store" | tar xf - -C "$dest/h$n"
    n=$(( n + 1 ))
  done
}
