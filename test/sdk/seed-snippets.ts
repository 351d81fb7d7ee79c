/* eslint-disable no-var, prefer-const, @typescript-eslint/no-unused-vars, @typescript-eslint/ban-ts-comment */
// @ts-nocheck -- the seed document's plain JavaScript, kept as written (untyped and unused
// parameters, a DOM lookup TypeScript cannot narrow), so the compiler does not check this file.
// The snippets of shared/reference/seed-web_init_login.md, one function each. Only the app key,
// usernames and passwords are substituted (they come in as parameters), and each function returns
// what the snippet's last call returns, so the tests can wait for it.

/** "Create connection" */
export function createConnection(WebIM) {
  const conn = (WebIM.conn = new WebIM.connection({
    appKey: 'demo#chat',
    isHttpDNS: true,
    isMultiLoginSessions: false,
    https: true,
    autoReconnectNumMax: 5,
  }));
  return conn;
}

/** "Add callback function" */
export function addCallbacks(WebIM, conn) {
  conn.listen({
    onOpened: function (message) {}, //Successful connection callback
    onClosed: function (message) {}, //Connection closed callback
    onTextMessage: function (message) {}, //Receive text message
    onEmojiMessage: function (message) {}, //Receive emoji message
    onPictureMessage: function (message) {}, //Receive picture message
    onCmdMessage: function (message) {}, //Receive command message
    onAudioMessage: function (message) {}, //Receive audio message
    onLocationMessage: function (message) {}, //Receive location message
    onFileMessage: function (message) {}, //Receive file message
    onVideoMessage: function (message) {
      var node = document.getElementById('privateVideo');
      var option = {
        url: message.url,
        headers: {
          Accept: 'audio/mp4',
        },
        onFileDownloadComplete: function (response) {
          var objectURL = WebIM.utils.parseDownloadResponse.call(conn, response);
          node.src = objectURL;
        },
        onFileDownloadError: function () {
          console.log('File down load error.');
        },
      };
      WebIM.utils.download.call(conn, option);
    }, //Receive video message
    onPresence: function (message) {}, //Processing "broadcast" or "publish-subscribe" messages, such as contact subscription requests, processing groups, chat rooms being kicked and disbanded, etc.
    onRoster: function (message) {}, //Process friend request
    onInviteMessage: function (message) {}, //Process group invitation
    onOnline: function () {}, //The local network connection is successful
    onOffline: function () {}, //Local network dropped
    onError: function (message) {}, //Failure callback
    onBlacklistUpdate: function (list) {
      //Blacklist changes
      // Query the blacklist, block a friend, and remove a friend from the blacklist will call back this function. The list is all the information of the existing friends in the blacklist
    },
    onRecallMessage: function (message) {}, //Receive recall message callback
    onReceivedMessage: function (message) {}, //Receipt received from message delivery server
    onDeliveredMessage: function (message) {}, //Receipt of message delivery to the client
    onReadMessage: function (message) {}, //Receive message read receipt
    onCreateGroup: function (message) {}, //Receipt of successful group creation (createGroupNew needs to be called)
    onMutedMessage: function (message) {}, //If a user is banned in group A, this callback will be sent to group A and the message will not be delivered to other members of the group
    onChannelMessage: function (message) {}, //Receive the read receipt of the entire conversation, and the message will be received in this callback when the other party sends a channel ack
  });
}

/** "Register" */
export function register(conn, username, password, appKey) {
  var options = {
    username: username,
    password: password,
    nickname: 'nickname',
    appKey: appKey,
    success: function () {},
    error: function (err) {
      let errorData = JSON.parse(err.data);
      if (errorData.error === 'duplicate_unique_property_exists') {
        console.log('user already existed！');
      } else if (errorData.error === 'illegal_argument') {
        if (errorData.error_description === 'USERNAME_TOO_LONG') {
          console.log('user name exceeds 64 bytes！');
        } else {
          console.log('illegal user name！');
        }
      } else if (errorData.error === 'unauthorized') {
        console.log('registration failed，no authority！');
      } else if (errorData.error === 'resource_limited') {
        console.log(
          'Your APP user registration number has reached the limit, please upgrade to the enterprise version！',
        );
      }
    },
  };
  return conn.registerUser(options);
}

/** "Modify pushed nickname" */
export function modifyNickname(conn) {
  return conn.updateCurrentUserNick('newNick');
}

/** "Username/password login" */
export function passwordLogin(conn, username, password) {
  var options = {
    user: username,
    pwd: password,
    appKey: 'demo#chat',
  };
  return conn.open(options);
}

/** "Login with Token", step 1; `onToken` receives the seed's `token` variable. */
export function getToken(conn, username, password, onToken) {
  var options = {
    user: username,
    pwd: password,
    appKey: 'demo#chat',
    success: function (res) {
      var token = res.access_token;
      onToken(token);
    },
    error: function () {},
  };
  return conn.open(options);
}

/** "Login with Token", step 2 */
export function tokenLogin(conn, username, token) {
  var options = {
    user: username,
    accessToken: token,
    appKey: 'demo#chat',
  };
  return conn.open(options);
}

/** "Logout" */
export function logout(conn) {
  conn.close();
}

/** "Upload push token" */
export function uploadPushToken(conn, options) {
  /**
   * @param {Object} options -
   * @param {Object} options.deviceId - Device id, which can be defined by yourself, generally used to identify the same device
   * @param {Object} options.deviceToken - Push token
   * @param {Object} options.notifierName - The appId of the push service is senderId for FCM, and “appId+#+AppKey ”for VIVO
   */
  return conn.uploadToken(options);
}
