using SecuredServer;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSecuredServer(builder.Configuration);

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapSecuredServer("/mcp");
app.Run();
