using System;
using System.Text.Json;

namespace McpGen.Protocol;

/// <summary>The JSON-RPC methods the endpoint recognises by name; everything else is <see cref="Unknown"/>.</summary>
internal enum McpMethod
{
    Unknown = 0,
    Initialize,
    Ping,
    ServerDiscover,
    ToolsList,
    ToolsCall,
    LoggingSetLevel,
    ResourcesSubscribe,
    ResourcesUnsubscribe,
    ResourcesRead,
    PromptsGet,
    NotificationsInitialized,
    ResourcesList,
    ResourcesTemplatesList,
    PromptsList,
    CompletionComplete,
    NotificationsCancelled,
    SubscriptionsListen,
    TasksGet,
    TasksUpdate,
    TasksCancel,
}

/// <summary>Method names and their recognition from UTF-8 JSON without allocating.</summary>
internal static class McpMethods
{
    public const string Initialize = "initialize";
    public const string Ping = "ping";
    public const string ServerDiscover = "server/discover";
    public const string ToolsList = "tools/list";
    public const string ToolsCall = "tools/call";
    public const string LoggingSetLevel = "logging/setLevel";
    public const string ResourcesSubscribe = "resources/subscribe";
    public const string ResourcesUnsubscribe = "resources/unsubscribe";
    public const string ResourcesRead = "resources/read";
    public const string PromptsGet = "prompts/get";
    public const string NotificationsInitialized = "notifications/initialized";
    public const string NotificationsProgress = "notifications/progress";
    public const string NotificationsMessage = "notifications/message";
    public const string ResourcesList = "resources/list";
    public const string ResourcesTemplatesList = "resources/templates/list";
    public const string PromptsList = "prompts/list";
    public const string CompletionComplete = "completion/complete";
    public const string NotificationsCancelled = "notifications/cancelled";
    public const string SubscriptionsListen = "subscriptions/listen";
    public const string TasksGet = "tasks/get";
    public const string TasksUpdate = "tasks/update";
    public const string TasksCancel = "tasks/cancel";
    public const string NotificationsTasks = "notifications/tasks";
    public const string NotificationsSubscriptionsAcknowledged = "notifications/subscriptions/acknowledged";
    public const string NotificationsToolsListChanged = "notifications/tools/list_changed";
    public const string NotificationsPromptsListChanged = "notifications/prompts/list_changed";
    public const string NotificationsResourcesListChanged = "notifications/resources/list_changed";
    public const string NotificationsResourcesUpdated = "notifications/resources/updated";

    /// <summary>Recognises the method name at the reader's current string token (escapes allowed).</summary>
    public static McpMethod Recognize(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("tools/call"u8))
        {
            return McpMethod.ToolsCall;
        }

        if (reader.ValueTextEquals("tools/list"u8))
        {
            return McpMethod.ToolsList;
        }

        if (reader.ValueTextEquals("resources/read"u8))
        {
            return McpMethod.ResourcesRead;
        }

        if (reader.ValueTextEquals("resources/list"u8))
        {
            return McpMethod.ResourcesList;
        }

        if (reader.ValueTextEquals("resources/templates/list"u8))
        {
            return McpMethod.ResourcesTemplatesList;
        }

        if (reader.ValueTextEquals("prompts/get"u8))
        {
            return McpMethod.PromptsGet;
        }

        if (reader.ValueTextEquals("prompts/list"u8))
        {
            return McpMethod.PromptsList;
        }

        if (reader.ValueTextEquals("completion/complete"u8))
        {
            return McpMethod.CompletionComplete;
        }

        if (reader.ValueTextEquals("server/discover"u8))
        {
            return McpMethod.ServerDiscover;
        }

        if (reader.ValueTextEquals("initialize"u8))
        {
            return McpMethod.Initialize;
        }

        if (reader.ValueTextEquals("ping"u8))
        {
            return McpMethod.Ping;
        }

        if (reader.ValueTextEquals("notifications/initialized"u8))
        {
            return McpMethod.NotificationsInitialized;
        }

        if (reader.ValueTextEquals("logging/setLevel"u8))
        {
            return McpMethod.LoggingSetLevel;
        }

        if (reader.ValueTextEquals("resources/subscribe"u8))
        {
            return McpMethod.ResourcesSubscribe;
        }

        if (reader.ValueTextEquals("resources/unsubscribe"u8))
        {
            return McpMethod.ResourcesUnsubscribe;
        }

        if (reader.ValueTextEquals("notifications/cancelled"u8))
        {
            return McpMethod.NotificationsCancelled;
        }

        if (reader.ValueTextEquals("subscriptions/listen"u8))
        {
            return McpMethod.SubscriptionsListen;
        }

        if (reader.ValueTextEquals("tasks/get"u8))
        {
            return McpMethod.TasksGet;
        }

        if (reader.ValueTextEquals("tasks/update"u8))
        {
            return McpMethod.TasksUpdate;
        }

        if (reader.ValueTextEquals("tasks/cancel"u8))
        {
            return McpMethod.TasksCancel;
        }

        return McpMethod.Unknown;
    }

    /// <summary>The name of a recognised method, or <see langword="null"/> for <see cref="McpMethod.Unknown"/>.</summary>
    public static string? NameOf(McpMethod method) => method switch
    {
        McpMethod.Initialize => Initialize,
        McpMethod.Ping => Ping,
        McpMethod.ServerDiscover => ServerDiscover,
        McpMethod.ToolsList => ToolsList,
        McpMethod.ToolsCall => ToolsCall,
        McpMethod.LoggingSetLevel => LoggingSetLevel,
        McpMethod.ResourcesSubscribe => ResourcesSubscribe,
        McpMethod.ResourcesUnsubscribe => ResourcesUnsubscribe,
        McpMethod.ResourcesRead => ResourcesRead,
        McpMethod.PromptsGet => PromptsGet,
        McpMethod.NotificationsInitialized => NotificationsInitialized,
        McpMethod.ResourcesList => ResourcesList,
        McpMethod.ResourcesTemplatesList => ResourcesTemplatesList,
        McpMethod.PromptsList => PromptsList,
        McpMethod.CompletionComplete => CompletionComplete,
        McpMethod.NotificationsCancelled => NotificationsCancelled,
        McpMethod.SubscriptionsListen => SubscriptionsListen,
        McpMethod.TasksGet => TasksGet,
        McpMethod.TasksUpdate => TasksUpdate,
        McpMethod.TasksCancel => TasksCancel,
        McpMethod.Unknown => null,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };
}
