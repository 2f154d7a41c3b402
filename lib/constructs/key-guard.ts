/**
 * Insider hardening of every KMS key the stack creates: a key policy that denies disabling,
 * deleting or re-writing the key's policy to every principal but the named break-glass role
 * (and, by default, the CloudFormation execution role, so stack updates keep working), and
 * the checkpoint signing key's `kms:Sign` to every principal but the checkpointer.
 *
 * KMS evaluates a key policy Deny before any IAM Allow, so an account administrator with
 * `kms:*` in IAM cannot quietly disable the archive key or sign a forged checkpoint.
 * docs/DEPLOY.md ("Insider hardening") explains the break-glass procedure and the
 * CloudFormation trade-off.
 */
import { Aspects, DefaultStackSynthesizer, Fn, type IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';

/** Who may change a key policy (and the archive bucket's policy and lock) besides break-glass. */
export type PolicyUpdates = 'cloudformation' | 'break-glass-only';

export interface KeyGuardProps {
  /** The break-glass role (an existing role ARN). @default a role this construct creates,
   * assumable by the account's principals with MFA and carrying no IAM policy */
  readonly breakGlassRoleArn?: string;
  /**
   * `cloudformation`: the CloudFormation execution role may also change key and bucket
   * policies (stack updates work; whoever may deploy the stack may change them).
   * `break-glass-only`: only break-glass may; stack updates that change a key or archive
   * bucket policy then fail until break-glass applies them.
   * @default 'cloudformation'
   */
  readonly policyUpdates?: PolicyUpdates;
  /** The CloudFormation execution role. @default the DefaultStackSynthesizer's */
  readonly deployRoleArn?: string;
}

/** Key administration no data-plane or admin principal needs day to day. */
export const GUARDED_KEY_ACTIONS = [
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:PutKeyPolicy',
  'kms:DisableKeyRotation',
  'kms:DeleteImportedKeyMaterial',
] as const;

/** What break-glass may do on a key (the Deny above exempts it; this Allow needs no IAM). */
const BREAK_GLASS_KEY_ACTIONS = [
  ...GUARDED_KEY_ACTIONS,
  'kms:EnableKey',
  'kms:CancelKeyDeletion',
  'kms:EnableKeyRotation',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
] as const;

export class KeyGuard extends Construct {
  /** The break-glass role: the one principal never denied key or archive administration. */
  public readonly breakGlassRoleArn: string;
  /** Principals exempt from the administration denies: break-glass, plus the CloudFormation
   * execution role when `policyUpdates` is `cloudformation`. */
  public readonly adminArns: readonly string[];
  public readonly policyUpdates: PolicyUpdates;

  constructor(scope: Construct, id: string, props: KeyGuardProps = {}) {
    super(scope, id);
    this.policyUpdates = props.policyUpdates ?? 'cloudformation';
    this.breakGlassRoleArn =
      props.breakGlassRoleArn ??
      new iam.Role(this, 'BreakGlassRole', {
        assumedBy: new iam.AccountPrincipal(Stack.of(this).account).withConditions({
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        }),
        description:
          'Audit trail: break-glass, the only principal that may disable or delete the KMS keys or change the archive lock and policies',
      }).roleArn;
    const deployRole = this.policyUpdates === 'cloudformation' ? deployRoleArn(this, props) : [];
    this.adminArns = [this.breakGlassRoleArn, ...deployRole];
    Aspects.of(Stack.of(this)).add(new GuardKeys(this));
  }

  /** A Deny on `actions` for every principal whose ARN is not one of `allowed`. */
  static denyAllBut(
    sid: string,
    actions: readonly string[],
    allowed: readonly string[],
    resources: readonly string[] = ['*'],
  ): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...actions],
      resources: [...resources],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...allowed] } },
    });
  }

  /** Only `signer` may sign with `key` (grants included: the Deny applies to grantees too). */
  static restrictSigning(key: kms.Key, signer: iam.IRole): void {
    key.addToResourcePolicy(
      KeyGuard.denyAllBut('OnlyTheCheckpointerSigns', ['kms:Sign'], [signer.roleArn]),
    );
  }

  /** The guard statements of one key. */
  guard(key: kms.Key): void {
    key.addToResourcePolicy(
      KeyGuard.denyAllBut(
        'DenyKeyAdministrationButBreakGlass',
        GUARDED_KEY_ACTIONS,
        this.adminArns,
      ),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BreakGlassAdministers',
        principals: [new iam.ArnPrincipal(this.breakGlassRoleArn)],
        actions: [...BREAK_GLASS_KEY_ACTIONS],
        resources: ['*'],
      }),
    );
    if (this.policyUpdates === 'break-glass-only') {
      // KMS refuses a key policy its creator could not later change, unless told this is
      // meant: here only break-glass may change it (the account root keeps IAM delegation).
      (key.node.defaultChild as kms.CfnKey).bypassPolicyLockoutSafetyCheck = true;
    }
  }
}

/** The CloudFormation execution role of the default synthesizer (or the configured one). */
const deployRoleArn = (scope: Construct, props: KeyGuardProps): string[] => {
  if (props.deployRoleArn !== undefined) return [props.deployRoleArn];
  const synthesizer = Stack.of(scope).synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) {
    throw new Error(
      `${scope.node.path}: set security.deployRoleArn (the CloudFormation execution role) or security.policyUpdates 'break-glass-only' with a non-default synthesizer`,
    );
  }
  // The synthesizer's ARN holds ${AWS::Partition}: Fn::Sub resolves it.
  return [Fn.sub(synthesizer.cloudFormationExecutionRoleArn)];
};

/** Applies the guard to every KMS key in the stack, whichever construct made it. */
class GuardKeys implements IAspect {
  readonly #guard: KeyGuard;
  constructor(guard: KeyGuard) {
    this.#guard = guard;
  }
  visit(node: IConstruct): void {
    if (node instanceof kms.Key) this.#guard.guard(node);
  }
}
