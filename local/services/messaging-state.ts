import type { JournalModel } from './journal.js';

/**
 * The durable picture of everything fauxqs holds: queues, topics,
 * subscriptions, buckets (the catalog), messages not yet deleted, and objects
 * (metadata here, content in blob files). Journal entries are idempotent
 * state changes keyed by ARN, message id or bucket/key.
 */

export interface QueueRecord {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly createdTimestamp: number;
  readonly lastModifiedTimestamp: number;
}

export interface TopicRecord {
  readonly arn: string;
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
}

export interface SubscriptionRecord {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly confirmed: boolean;
  readonly attributes: Record<string, string>;
}

export interface BucketRecord {
  readonly name: string;
  readonly created: string;
}

export interface MessageRecord {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  readonly md5OfMessageAttributes: string;
  readonly sentTimestamp: number;
  readonly delayUntil?: number;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  readonly sequenceNumber?: string;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  /** File name under the blob directory. */
  readonly blob: string;
  readonly size: number;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly etag: string;
  readonly lastModified: string;
}

export interface StoredMessage {
  readonly queueArn: string;
  readonly message: MessageRecord;
}

export type MessagingEntry =
  | { readonly op: 'queue'; readonly queue: QueueRecord }
  | { readonly op: 'queue-deleted'; readonly arn: string }
  | { readonly op: 'queue-purged'; readonly arn: string }
  | { readonly op: 'topic'; readonly topic: TopicRecord }
  | { readonly op: 'topic-deleted'; readonly arn: string }
  | { readonly op: 'subscription'; readonly subscription: SubscriptionRecord }
  | { readonly op: 'subscription-deleted'; readonly arn: string }
  | { readonly op: 'bucket'; readonly bucket: BucketRecord }
  | { readonly op: 'bucket-deleted'; readonly name: string }
  | { readonly op: 'message'; readonly queueArn: string; readonly message: MessageRecord }
  | { readonly op: 'message-deleted'; readonly messageId: string }
  | { readonly op: 'object'; readonly object: ObjectRecord }
  | { readonly op: 'object-deleted'; readonly bucket: string; readonly key: string };

export interface MessagingSnapshot {
  readonly queues: QueueRecord[];
  readonly topics: TopicRecord[];
  readonly subscriptions: SubscriptionRecord[];
  readonly buckets: BucketRecord[];
  readonly messages: StoredMessage[];
  readonly objects: ObjectRecord[];
}

const objectId = (bucket: string, key: string) => `${bucket}/${key}`;

export class MessagingState implements JournalModel<MessagingEntry, MessagingSnapshot> {
  readonly queues = new Map<string, QueueRecord>();
  readonly topics = new Map<string, TopicRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly buckets = new Map<string, BucketRecord>();
  /** By message id, in send order (a message moved to a DLQ moves to the end). */
  readonly messages = new Map<string, StoredMessage>();
  readonly objects = new Map<string, ObjectRecord>();

  apply(entry: MessagingEntry): void {
    switch (entry.op) {
      case 'queue':
        this.queues.set(entry.queue.arn, entry.queue);
        return;
      case 'queue-deleted':
        this.queues.delete(entry.arn);
        this.dropMessages(entry.arn);
        return;
      case 'queue-purged':
        this.dropMessages(entry.arn);
        return;
      case 'topic':
        this.topics.set(entry.topic.arn, entry.topic);
        return;
      case 'topic-deleted':
        this.topics.delete(entry.arn);
        return;
      case 'subscription':
        this.subscriptions.set(entry.subscription.arn, entry.subscription);
        return;
      case 'subscription-deleted':
        this.subscriptions.delete(entry.arn);
        return;
      case 'bucket':
        this.buckets.set(entry.bucket.name, entry.bucket);
        return;
      case 'bucket-deleted':
        this.buckets.delete(entry.name);
        for (const [id, object] of this.objects) if (object.bucket === entry.name) this.objects.delete(id);
        return;
      case 'message':
        this.messages.delete(entry.message.messageId);
        this.messages.set(entry.message.messageId, { queueArn: entry.queueArn, message: entry.message });
        return;
      case 'message-deleted':
        this.messages.delete(entry.messageId);
        return;
      case 'object':
        this.objects.set(objectId(entry.object.bucket, entry.object.key), entry.object);
        return;
      case 'object-deleted':
        this.objects.delete(objectId(entry.bucket, entry.key));
        return;
    }
  }

  snapshot(): MessagingSnapshot {
    return {
      queues: [...this.queues.values()],
      topics: [...this.topics.values()],
      subscriptions: [...this.subscriptions.values()],
      buckets: [...this.buckets.values()],
      messages: [...this.messages.values()],
      objects: [...this.objects.values()],
    };
  }

  load(snapshot: MessagingSnapshot): void {
    for (const queue of snapshot.queues) this.apply({ op: 'queue', queue });
    for (const topic of snapshot.topics) this.apply({ op: 'topic', topic });
    for (const subscription of snapshot.subscriptions) this.apply({ op: 'subscription', subscription });
    for (const bucket of snapshot.buckets) this.apply({ op: 'bucket', bucket });
    for (const { queueArn, message } of snapshot.messages) this.apply({ op: 'message', queueArn, message });
    for (const object of snapshot.objects) this.apply({ op: 'object', object });
  }

  /** Blob file names the state refers to. */
  referencedBlobs(): Set<string> {
    return new Set([...this.objects.values()].map((object) => object.blob));
  }

  private dropMessages(queueArn: string): void {
    for (const [id, stored] of this.messages) if (stored.queueArn === queueArn) this.messages.delete(id);
  }
}
