// Services whose real work is data events: CloudTrail records those calls only when a trail
// selects their resource type (most trails do not), so a key that uses them may do far more
// than its management events show. The table names the selector resource types and the
// actions that come only from data events, to tell from the evidence whether they are seen.

export interface DataEventService {
  /** IAM service namespace */
  service: string;
  /** what the invisible work is, for gap details */
  work: string;
  /** CloudTrail data event resource types (event selectors' resources.type) */
  resourceTypes: readonly string[];
  /** action names (without the service prefix) that only data events produce */
  dataActions: RegExp;
}

export const DATA_EVENT_SERVICES: readonly DataEventService[] = [
  { service: 's3', work: 'object-level calls (GetObject, PutObject, DeleteObject…)', resourceTypes: ['AWS::S3::Object', 'AWS::S3::AccessPoint', 'AWS::S3Express::Object'], dataActions: /^(?!.*Bucket).*(Object|Multipart)/ },
  { service: 'lambda', work: 'function invocations', resourceTypes: ['AWS::Lambda::Function'], dataActions: /^Invoke/ },
  { service: 'dynamodb', work: 'item reads and writes (GetItem, PutItem, Query, Scan…)', resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::Stream'], dataActions: /Item|^Query$|^Scan$|^PartiQL|^GetRecords$|^GetShardIterator$/ },
  { service: 'sqs', work: 'message sends and receives', resourceTypes: ['AWS::SQS::Queue'], dataActions: /^(?!.*MoveTask).*Message/ },
  { service: 'sns', work: 'publishes', resourceTypes: ['AWS::SNS::Topic', 'AWS::SNS::PlatformEndpoint'], dataActions: /^Publish/ },
  { service: 'kinesis', work: 'record puts and reads', resourceTypes: ['AWS::Kinesis::Stream', 'AWS::Kinesis::StreamConsumer'], dataActions: /Record|^GetShardIterator$|^SubscribeToShard$/ },
];

const BY_SERVICE = new Map(DATA_EVENT_SERVICES.map((s) => [s.service, s]));

export function dataEventService(service: string): DataEventService | undefined {
  return BY_SERVICE.get(service.toLowerCase());
}

/** The resource types a trail must select for object-level S3, Lambda invokes and DynamoDB items: "recorded" means all of these. */
export const PRINCIPAL_DATA_EVENT_TYPES: readonly string[] = ['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table'];

/** Whether an IAM action (service:Action) can only have come from a data event. */
export function isDataEventAction(action: string): boolean {
  const colon = action.indexOf(':');
  if (colon < 0) return false;
  const entry = dataEventService(action.slice(0, colon));
  return entry !== undefined && entry.dataActions.test(action.slice(colon + 1));
}
