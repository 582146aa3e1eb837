// The chat page: the stock phoenix.js client (global `Phoenix`) against chorus.
(function () {
  const $ = (id) => document.getElementById(id);
  // The name is this connection's user_id: the server tracks it in each room's presence.
  $("name").value = "guest" + Math.floor(Math.random() * 1e6);
  const socket = new Phoenix.Socket("/socket", { params: () => ({ user_id: $("name").value }) });
  let channel = null;
  socket.onOpen(() => setStatus("connected"));
  socket.onClose(() => setStatus("disconnected (reconnecting)"));
  socket.connect();

  function setStatus(text) { $("status").textContent = text; }

  function show(name, body) {
    const li = document.createElement("li");
    const who = document.createElement("b");
    who.textContent = name;
    li.appendChild(who);
    li.appendChild(document.createTextNode(body));
    $("messages").appendChild(li);
  }

  /** Who is online: the stock phoenix.js Presence, fed by presence_state / presence_diff. */
  function showOnline(presence) {
    const names = presence.list((id, { metas }) => ({ id, count: metas.length })).sort((a, b) => a.id.localeCompare(b.id));
    const ul = $("online");
    ul.textContent = "";
    for (const { id, count } of names) {
      const li = document.createElement("li");
      li.textContent = count > 1 ? `${id} (${count})` : id;
      ul.appendChild(li);
    }
    document.body.dataset.online = names.map((n) => n.id).join(",");
  }

  function join() {
    if (channel) channel.leave();
    $("messages").textContent = "";
    const topic = "room:" + $("room").value;
    channel = socket.channel(topic, {});
    channel.on("new_msg", (msg) => show(msg.name || "?", msg.body || ""));
    const presence = new Phoenix.Presence(channel);
    presence.onSync(() => showOnline(presence));
    channel.join()
      .receive("ok", () => {
        setStatus("joined " + topic);
        $("body").disabled = false;
        $("send-button").disabled = false;
        document.body.dataset.joined = topic;
      })
      .receive("error", (resp) => setStatus("join failed: " + JSON.stringify(resp)));
  }

  $("join").addEventListener("click", join);
  $("send").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = $("body").value.trim();
    if (!body || !channel) return;
    channel.push("new_msg", { name: $("name").value, body });
    $("body").value = "";
  });
  join();
})();
