// What the evidence as a whole looked like, gathered while aggregating: coverage assessment
// infers from it what the trail records when the trail's own selectors are not available.
export interface EvidenceStats {
  events: number;
  firstEvent: string | null;
  lastEvent: string | null;
  regions: string[];
  /** eventSource prefixes (s3, dynamodb, …) seen in the evidence */
  services: string[];
  managementEvents: number;
  dataEvents: number;
  readOnlyEvents: number;
  writeEvents: number;
}

/** Trail configuration read from AWS (cloudtrail:DescribeTrails + GetEventSelectors), when available. */
export interface TrailSelectors {
  trailArn: string;
  multiRegion: boolean;
  homeRegion: string;
  managementEvents: 'all' | 'read-only' | 'write-only' | 'none';
  /** data event resource types recorded (e.g. AWS::S3::Object, AWS::Lambda::Function) */
  dataEventTypes: string[];
}
