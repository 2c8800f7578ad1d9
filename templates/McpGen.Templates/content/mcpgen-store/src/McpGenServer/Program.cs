using McpGenServer;

var app = McpGenServerApp.Create(args);
app.Run();
