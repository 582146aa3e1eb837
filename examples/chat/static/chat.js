// The chat page: the stock phoenix.js client (global `Phoenix`) against chorus.
(function () {
  const $ = (id) => document.getElementById(id);
  const socket = new Phoenix.Socket("/socket", { params: {} });
  let channel = null;

  $("name").value = "guest" + Math.floor(Math.random() * 1000);
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

  function join() {
    if (channel) channel.leave();
    $("messages").textContent = "";
    const topic = "room:" + $("room").value;
    channel = socket.channel(topic, {});
    channel.on("new_msg", (msg) => show(msg.name || "?", msg.body || ""));
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
