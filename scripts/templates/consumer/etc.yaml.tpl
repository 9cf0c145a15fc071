# The {{topic}} topic (consumers/{{topic}}.ts).
{{Topic}}Kafka:
  Brokers:
    - ${KAFKA_BROKERS:-127.0.0.1:9092}
  Topic: {{topic}}-topic
  Group: {{domain}}-mq-{{topic}}-group
  Offset: first
