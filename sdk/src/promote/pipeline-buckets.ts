/**
 * The buckets of a promoted pipeline. Every one is encrypted (S3-managed keys: no KMS grants
 * for Lambda, Glue and Athena to get wrong), SSL-only, closed to the public, and logs its
 * access to one server-access-log bucket.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PipelineBucketsProps {
  /** Days a quarantined object is kept before it expires. */
  readonly quarantineRetentionDays: number;
  /** Days Athena query results are kept. */
  readonly athenaResultsRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/** landing, validated, quarantine, features, Athena results, and the access-log bucket. */
export class PipelineBuckets extends Construct {
  readonly accessLogs: s3.Bucket;
  readonly landing: s3.Bucket;
  readonly validated: s3.Bucket;
  readonly quarantine: s3.Bucket;
  readonly features: s3.Bucket;
  readonly athenaResults: s3.Bucket;

  constructor(scope: Construct, id: string, props: PipelineBucketsProps) {
    super(scope, id);
    const common = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // No autoDeleteObjects: data is never deleted implicitly (and it would add a custom-resource Lambda).
      removalPolicy: props.removalPolicy,
    } satisfies s3.BucketProps;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the other buckets; logging it to itself would loop.',
    });

    const logged = (prefix: string) => ({ ...common, serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: `${prefix}/` });
    // Versioned where an overwrite or delete could lose data that exists nowhere else.
    this.landing = new s3.Bucket(this, 'Landing', {
      ...logged('landing'),
      versioned: true,
      lifecycleRules: [{ id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(30) }],
    });
    // Validated and feature objects are derived from landing data and rewritten by design
    // (dynamic partition overwrite): versioning would keep every superseded copy forever.
    this.validated = new s3.Bucket(this, 'Validated', logged('validated'));
    this.features = new s3.Bucket(this, 'Features', {
      ...logged('features'),
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) }],
    });
    this.quarantine = new s3.Bucket(this, 'Quarantine', {
      ...logged('quarantine'),
      lifecycleRules: [{ id: 'expire-quarantine', expiration: Duration.days(props.quarantineRetentionDays) }],
    });
    this.athenaResults = new s3.Bucket(this, 'AthenaResults', {
      ...logged('athena-results'),
      lifecycleRules: [{ id: 'expire-results', expiration: Duration.days(props.athenaResultsRetentionDays) }],
    });
  }
}
