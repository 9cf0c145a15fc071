  const {{topicFn}}Consumer = createConsumer({
    ...consumerConfOptions(svc.config.{{Topic}}Kafka),
    clientId: svc.config.Name,
    logger: svc.logger,
    schema: {{Topic}}Message,
    handler: (msg) => {{topicFn}}(svc, msg),
  })
