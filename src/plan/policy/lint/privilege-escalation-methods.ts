// Known ways to escalate privileges in AWS with IAM permissions: Rhino Security Labs' 21 methods
// ("AWS IAM Privilege Escalation – Methods and Mitigation", Spencer Gietzen) and the paths that
// Datadog's pathfinding.cloud adds, as collected and maintained in Salesforce's Cloudsplaining
// (BSD-3-Clause), cloudsplaining/shared/constants.py, PRIVILEGE_ESCALATION_METHODS. Written here
// in the catalog's spelling (test/unit/plan-policy checks each against the catalog). Combinations
// that merely add actions to a one-action method (CreateAndRotateAccessKey,
// AttachUserPolicyThenCreateAccessKey, UpdateAndInvokeLambdaFunction, …) are left out: the one
// action is already reported on its own.

export interface EscalationMethod {
  /** Cloudsplaining's name for it */
  name: string;
  /** all of these granted together make the escalation */
  actions: readonly string[];
  /** pathfinding.cloud's write-up, where there is one */
  reference?: string;
}

const path = (id: string) => `https://pathfinding.cloud/paths/${id}`;

export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  // 1. IAM permissions on other users
  { name: 'CreateAccessKey', actions: ['iam:CreateAccessKey'], reference: path('iam-002') },
  { name: 'CreateLoginProfile', actions: ['iam:CreateLoginProfile'], reference: path('iam-004') },
  { name: 'UpdateLoginProfile', actions: ['iam:UpdateLoginProfile'], reference: path('iam-006') },
  { name: 'AddUserToGroup', actions: ['iam:AddUserToGroup'], reference: path('iam-013') },
  // 2. permissions on policies
  { name: 'CreateNewPolicyVersion', actions: ['iam:CreatePolicyVersion'], reference: path('iam-001') },
  { name: 'SetExistingDefaultPolicyVersion', actions: ['iam:SetDefaultPolicyVersion'] },
  { name: 'AttachUserPolicy', actions: ['iam:AttachUserPolicy'], reference: path('iam-008') },
  { name: 'AttachGroupPolicy', actions: ['iam:AttachGroupPolicy'], reference: path('iam-010') },
  { name: 'AttachRolePolicy', actions: ['iam:AttachRolePolicy'], reference: path('iam-009') },
  { name: 'PutUserPolicy', actions: ['iam:PutUserPolicy'], reference: path('iam-007') },
  { name: 'PutGroupPolicy', actions: ['iam:PutGroupPolicy'], reference: path('iam-011') },
  { name: 'PutRolePolicy', actions: ['iam:PutRolePolicy'], reference: path('iam-005') },
  // 3. updating an assume-role policy
  { name: 'UpdateRolePolicyToAssumeIt', actions: ['iam:UpdateAssumeRolePolicy'], reference: path('iam-012') },
  // 4. iam:PassRole with a service that runs code under the passed role
  { name: 'CreateEC2WithExistingIP', actions: ['iam:PassRole', 'ec2:RunInstances'], reference: path('ec2-001') },
  { name: 'PassExistingRoleToNewEC2SpotInstance', actions: ['iam:PassRole', 'ec2:RequestSpotInstances'], reference: path('ec2-003') },
  { name: 'PassExistingRoleToNewLambdaThenInvoke', actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], reference: path('lambda-001') },
  {
    name: 'PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
    reference: path('lambda-002'),
  },
  { name: 'PassExistingRoleToNewLambdaThenAddPermission', actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:AddPermission'], reference: path('lambda-006') },
  { name: 'PassExistingRoleToNewGlueDevEndpoint', actions: ['iam:PassRole', 'glue:CreateDevEndpoint'], reference: path('glue-001') },
  { name: 'PassExistingRoleToNewGlueJobThenRun', actions: ['iam:PassRole', 'glue:CreateJob', 'glue:StartJobRun'], reference: path('glue-003') },
  { name: 'PassExistingRoleToNewGlueJobViaTrigger', actions: ['iam:PassRole', 'glue:CreateJob', 'glue:CreateTrigger'], reference: path('glue-004') },
  { name: 'PassExistingRoleToUpdatedGlueJobThenRun', actions: ['iam:PassRole', 'glue:UpdateJob', 'glue:StartJobRun'], reference: path('glue-005') },
  { name: 'PassExistingRoleToUpdatedGlueJobViaTrigger', actions: ['iam:PassRole', 'glue:UpdateJob', 'glue:CreateTrigger'], reference: path('glue-006') },
  { name: 'PassExistingRoleToCloudFormation', actions: ['iam:PassRole', 'cloudformation:CreateStack'], reference: path('cloudformation-001') },
  {
    name: 'PassExistingRoleToNewCloudFormationStackSet',
    actions: ['iam:PassRole', 'cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'],
    reference: path('cloudformation-003'),
  },
  { name: 'PassRoleToUpdateCloudFormationStackSet', actions: ['iam:PassRole', 'cloudformation:UpdateStackSet'], reference: path('cloudformation-004') },
  { name: 'PassExistingRoleToNewDataPipeline', actions: ['iam:PassRole', 'datapipeline:CreatePipeline'], reference: path('datapipeline-001') },
  { name: 'PassExistingRoleToNewAppRunnerService', actions: ['iam:PassRole', 'apprunner:CreateService'], reference: path('apprunner-001') },
  {
    name: 'PassExistingRoleToNewBedrockCodeInterpreter',
    actions: ['iam:PassRole', 'bedrock-agentcore:CreateCodeInterpreter', 'bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter'],
    reference: path('bedrock-001'),
  },
  { name: 'PassExistingRoleToNewCodeBuildProjectThenBuild', actions: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'], reference: path('codebuild-001') },
  {
    name: 'PassExistingRoleToNewCodeBuildProjectThenBuildBatch',
    actions: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuildBatch'],
    reference: path('codebuild-004'),
  },
  { name: 'PassExistingRoleToNewECSService', actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:CreateService'], reference: path('ecs-003') },
  { name: 'PassExistingRoleToNewECSTaskViaRunTask', actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'], reference: path('ecs-004') },
  { name: 'PassExistingRoleToNewECSTaskViaStartTask', actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:StartTask'], reference: path('ecs-005') },
  { name: 'PassExistingRoleToNewSageMakerNotebookInstance', actions: ['iam:PassRole', 'sagemaker:CreateNotebookInstance'], reference: path('sagemaker-001') },
  { name: 'PassExistingRoleToNewSageMakerTrainingJob', actions: ['iam:PassRole', 'sagemaker:CreateTrainingJob'], reference: path('sagemaker-002') },
  { name: 'PassExistingRoleToNewSageMakerProcessingJob', actions: ['iam:PassRole', 'sagemaker:CreateProcessingJob'], reference: path('sagemaker-003') },
  // 5. escalation through code or sessions that already run under a role
  { name: 'EditExistingLambdaFunctionWithRole', actions: ['lambda:UpdateFunctionCode'], reference: path('lambda-003') },
  { name: 'UpdateExistingGlueDevEndpoint', actions: ['glue:UpdateDevEndpoint'], reference: path('glue-002') },
  { name: 'CreatePresignedSageMakerNotebookUrl', actions: ['sagemaker:CreatePresignedNotebookInstanceUrl'], reference: path('sagemaker-004') },
  {
    name: 'UpdateSageMakerNotebookLifecycleConfig',
    actions: ['sagemaker:CreateNotebookInstanceLifecycleConfig', 'sagemaker:StopNotebookInstance', 'sagemaker:UpdateNotebookInstance', 'sagemaker:StartNotebookInstance'],
    reference: path('sagemaker-005'),
  },
  {
    name: 'AccessExistingBedrockCodeInterpreterSession',
    actions: ['bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter'],
    reference: path('bedrock-002'),
  },
  { name: 'ExecuteCloudFormationChangeSet', actions: ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'], reference: path('cloudformation-005') },
  { name: 'ModifyEC2InstanceUserDataThenRestart', actions: ['ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances'], reference: path('ec2-002') },
  { name: 'ModifyExistingEC2LaunchTemplate', actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'], reference: path('ec2-004') },
  { name: 'EC2InstanceConnectSendSSHPublicKey', actions: ['ec2-instance-connect:SendSSHPublicKey', 'ec2:DescribeInstances'], reference: path('ec2instanceconnect-003') },
  { name: 'ECSExecuteCommandOnRunningTask', actions: ['ecs:ExecuteCommand', 'ecs:DescribeTasks'], reference: path('ecs-006') },
  { name: 'UpdateLambdaFunctionAndAddPermission', actions: ['lambda:UpdateFunctionCode', 'lambda:AddPermission'], reference: path('lambda-005') },
];

/** Escalate on their own when granted on any resource wide enough: `*` or every role. */
export const ESCALATING_ON_ANY_RESOURCE: readonly string[] = ['iam:PassRole', 'sts:AssumeRole'];
