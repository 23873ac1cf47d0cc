import { describe, expect, it } from 'vitest';
import {
  creationOrder,
  type Resolved,
  resolveValue,
  type Template,
  TemplateError,
} from '../../../local/cloud/template.js';

const template: Template = {
  Conditions: { HasEmail: { 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] }, IsProd: { 'Fn::Equals': ['prod', 'prod'] } },
  Resources: {
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'mpx-local-notifications' } },
    Dlq: { Type: 'AWS::SQS::Queue' },
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 5 } },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['Role'],
      Properties: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
        Environment: { Variables: { TOPIC: { Ref: 'Topic' }, QUEUE: { 'Fn::Sub': '${Queue.Arn}/x/${AWS::Region}' } } },
      },
    },
    Role: { Type: 'AWS::IAM::Role' },
  },
};

const resolved = new Map<string, Resolved>([
  ['Topic', { ref: 'arn:aws:sns:us-east-1:000000000000:mpx-local-notifications', attributes: {} }],
  ['Queue', { ref: 'http://q', attributes: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q' } }],
]);
const scope = { region: 'us-east-1', account: '000000000000', stackName: 'mpx-local', resolved };

describe('creationOrder', () => {
  it('puts every resource after what it refers to or depends on', () => {
    const order = creationOrder(template);
    expect(order.indexOf('Dlq')).toBeLessThan(order.indexOf('Queue'));
    expect(order.indexOf('Queue')).toBeLessThan(order.indexOf('Fn'));
    expect(order.indexOf('Topic')).toBeLessThan(order.indexOf('Fn'));
    expect(order.indexOf('Role')).toBeLessThan(order.indexOf('Fn'));
    expect(order).toHaveLength(5);
  });

  it('refuses a cycle, naming it', () => {
    const cyclic: Template = {
      Resources: {
        A: { Type: 'X', Properties: { B: { Ref: 'B' } } },
        B: { Type: 'X', Properties: { A: { 'Fn::GetAtt': 'A.Arn' } } },
      },
    };
    expect(() => creationOrder(cyclic)).toThrow('circular dependency: A → B → A');
  });
});

describe('resolveValue', () => {
  it('resolves Ref, GetAtt, Sub with attributes and pseudo parameters, Join, Select, Split, If', () => {
    expect(resolveValue(template.Resources.Fn?.Properties?.Environment, scope, template)).toEqual({
      Variables: {
        TOPIC: 'arn:aws:sns:us-east-1:000000000000:mpx-local-notifications',
        QUEUE: 'arn:aws:sqs:us-east-1:000000000000:q/x/us-east-1',
      },
    });
    expect(resolveValue({ 'Fn::Join': ['-', ['a', { Ref: 'AWS::StackName' }]] }, scope, template)).toBe('a-mpx-local');
    expect(resolveValue({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }, scope, template)).toBe('y');
    expect(resolveValue({ 'Fn::If': ['IsProd', 'big', 'small'] }, scope, template)).toBe('big');
    expect(
      resolveValue({ list: ['a', { 'Fn::If': ['HasEmail', 'b', { Ref: 'AWS::NoValue' }] }] }, scope, template),
    ).toEqual({ list: ['a'] });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
    expect(resolveValue({ 'Fn::Sub': ['${X}-${AWS::AccountId}', { X: { Ref: 'Queue' } }] }, scope, template)).toBe(
      'http://q-000000000000',
    );
  });

  it('says what it cannot resolve', () => {
    expect(() => resolveValue({ Ref: 'Nope' }, scope, template)).toThrow(TemplateError);
    expect(() => resolveValue({ 'Fn::GetAtt': ['Queue', 'QueueName'] }, scope, template)).toThrow(
      'Queue has no attribute QueueName in the local cloud',
    );
    expect(() => resolveValue({ 'Fn::ImportValue': 'x' }, scope, template)).toThrow(
      'unsupported intrinsic function Fn::ImportValue',
    );
  });
});
