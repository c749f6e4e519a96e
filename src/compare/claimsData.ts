import type { ClaimInput } from './claimsSchema.js'

/**
 * The published claims of docs/claims.md as data. Values are as published; where two publications of one
 * system disagree (Auto-FERNet CK+), both are kept, each with its source. Validated by
 * claimSchema when loaded (src/compare/claims.ts) and in tests.
 */
const DEEPCNN = 'https://github.com/WuJie1010/Facial-Expression-Recognition.Pytorch (README results table)'
const DEEPCNN_PROTOCOL =
  '48×48 gray replicated to 3 channels, ten 44×44 crops (+ flips), logits averaged; the checkpoint was picked on the test split (optimistic)'

export const CLAIMS_DATA: ClaimInput[] = [
  {
    id: 'microexpnet-size',
    system: 'MicroExpNet (Cugu, Sener, Akbas 2017)',
    modelFamily: 'MicroExpNet',
    dataset: 'ckplus',
    metric: 'modelBytes',
    value: 1,
    unit: 'MB',
    comparator: '<',
    source: 'arXiv:1711.07011',
    protocol: {
      kind: 'unspecified',
      tta: 'unspecified',
      input: { height: 84, width: 84, channels: 1 },
      preset: 'microexpnet',
    },
    protocolNotes:
      'model file under 1 MB; 84×84 grayscale input, 8 classes (CK+ incl. neutral and contempt), TensorFlow',
  },
  {
    id: 'microexpnet-fps',
    system: 'MicroExpNet (Cugu, Sener, Akbas 2017)',
    modelFamily: 'MicroExpNet',
    dataset: 'ckplus',
    metric: 'fps',
    value: 1408,
    unit: 'FPS',
    source: 'arXiv:1711.07011',
    protocol: {
      kind: 'unspecified',
      tta: 'unspecified',
      input: { height: 84, width: 84, channels: 1 },
      preset: 'microexpnet',
      hardware: 'Intel i7 CPU (model not stated)',
    },
    protocolNotes:
      '1408 FPS on an i7 CPU; batch, threads and timing method not stated. Reported as a ratio on this machine, never pass/fail',
  },
  ...(['PublicTest', 'PrivateTest'] as const).flatMap((split): ClaimInput[] => [
    {
      id: `vgg19-fer2013-${split.toLowerCase()}`,
      system: 'VGG19 on FER2013 (Facial_expression_recognition_DeepCNN_Light)',
      modelFamily: 'VGG19',
      dataset: 'fer2013',
      metric: 'accuracy',
      value: split === 'PublicTest' ? 72.596 : 73.212,
      unit: '%',
      source: DEEPCNN,
      protocol: {
        kind: 'split',
        split,
        tta: 'tencrop',
        input: { height: 44, width: 44, channels: 3 },
        preset: 'vgg19-fer2013',
      },
      protocolNotes: DEEPCNN_PROTOCOL,
    },
    {
      id: `resnet18-fer2013-${split.toLowerCase()}`,
      system: 'ResNet18 on FER2013 (Facial_expression_recognition_DeepCNN_Light)',
      modelFamily: 'ResNet18',
      dataset: 'fer2013',
      metric: 'accuracy',
      value: split === 'PublicTest' ? 72.29 : 72.975,
      unit: '%',
      source: DEEPCNN,
      protocol: {
        kind: 'split',
        split,
        tta: 'tencrop',
        input: { height: 44, width: 44, channels: 3 },
        preset: 'resnet18-fer2013',
      },
      protocolNotes: DEEPCNN_PROTOCOL,
    },
    {
      id: `vgg19-slimmed-fer2013-${split.toLowerCase()}`,
      system: 'VGG19 after network slimming (Facial_expression_recognition_DeepCNN_Light)',
      modelFamily: 'VGG19 (slimmed)',
      dataset: 'fer2013',
      metric: 'accuracy',
      value: split === 'PublicTest' ? 72.124 : 72.5,
      unit: '%',
      source: DEEPCNN,
      protocol: {
        kind: 'split',
        split,
        tta: 'tencrop',
        input: { height: 44, width: 44, channels: 3 },
        preset: 'vgg19-fer2013',
      },
      protocolNotes: `channel pruning at 50%, then fine-tuning; ${DEEPCNN_PROTOCOL}`,
    },
  ]),
  ...(
    [
      ['vgg19', 94.646],
      ['resnet18', 94.04],
    ] as const
  ).map(
    ([family, value]): ClaimInput => ({
      id: `${family}-ckplus-10fold`,
      system: `${family === 'vgg19' ? 'VGG19' : 'ResNet18'} on CK+ (Facial_expression_recognition_DeepCNN_Light)`,
      modelFamily: family === 'vgg19' ? 'VGG19' : 'ResNet18',
      dataset: 'ckplus',
      metric: 'accuracy',
      value,
      unit: '%',
      source: DEEPCNN,
      protocol: {
        kind: 'kfold',
        folds: 10,
        subjectIndependent: false,
        tta: 'tencrop',
        input: { height: 44, width: 44, channels: 3 },
      },
      protocolNotes:
        '10-fold; 981 images (last 3 frames of 327 sequences); the upstream folds are NOT subject-independent (frames of one person in train and test)',
      cannotRun:
        'the upstream folds put frames of one subject in both train and test; ferbench folds are subject-independent, and reproduce evaluates one trained model, not ten fold models',
    }),
  ),
  {
    id: 'vgg19-slimmed-size-ratio',
    system: 'VGG19 after network slimming (Facial_expression_recognition_DeepCNN_Light)',
    modelFamily: 'VGG19 (slimmed)',
    dataset: 'fer2013',
    metric: 'sizeRatio',
    value: 5,
    unit: 'x',
    source: DEEPCNN,
    protocol: { kind: 'unspecified', tta: 'unspecified' },
    protocolNotes: '"5 times smaller" than the unpruned VGG19',
    cannotRun:
      'a size ratio needs both the pruned and the unpruned model; compare `ferbench speed` model sizes of the two instead',
  },
  {
    id: 'ferplus-size',
    system: 'FER+ emotion model (ONNX model zoo emotion_ferplus, Barsoum et al. 2016)',
    modelFamily: 'FER+ VGG13',
    dataset: 'ferplus',
    metric: 'modelBytes',
    value: 32.4,
    unit: 'MB',
    source: 'https://github.com/onnx/models (validated/vision/body_analysis/emotion_ferplus)',
    protocol: {
      kind: 'unspecified',
      tta: 'unspecified',
      input: { height: 64, width: 64, channels: 1 },
      preset: 'ferplus',
    },
    protocolNotes: '32.4 MB download (emotion-ferplus-8.onnx)',
  },
  {
    id: 'ferplus-ferplus-privatetest',
    system: 'FER+ emotion model (ONNX model zoo emotion_ferplus, Barsoum et al. 2016)',
    modelFamily: 'FER+ VGG13',
    dataset: 'ferplus',
    metric: 'accuracy',
    value: 84.5,
    unit: '%',
    source: 'arXiv:1608.01041 (about 84–85% on the FER+ test set; the midpoint is recorded)',
    protocol: {
      kind: 'split',
      split: 'PrivateTest',
      tta: 'none',
      input: { height: 64, width: 64, channels: 1 },
      preset: 'ferplus',
    },
    protocolNotes:
      'input N×1×64×64 grayscale, raw 0–255; output 8 scores; majority labels; the paper reports about 84–85% (a range: the recorded 84.5 is its midpoint)',
  },
  ...(
    [
      ['rafdb', 88.36, 'test'],
      ['caer-s', 85.87, undefined],
      ['affectnet-7', 63.7, undefined],
      ['affectnet-8', 59.89, undefined],
    ] as const
  ).map(
    ([dataset, value, split]): ClaimInput => ({
      id: `efficientface-${dataset}`,
      system: 'EfficientFace (Zhao, Liu, Zhou, AAAI 2021)',
      modelFamily: 'EfficientFace',
      dataset: dataset === 'rafdb' ? 'rafdb' : dataset,
      metric: 'accuracy',
      value,
      unit: '%',
      source:
        'AAAI 2021, "Robust Lightweight Facial Expression Recognition Network with Label Distribution Training"; https://github.com/zengqunzhao/EfficientFace',
      protocol: split
        ? {
            kind: 'split',
            split,
            tta: 'none',
            input: { height: 224, width: 224, channels: 3 },
            preset: 'efficientface',
          }
        : {
            kind: 'unspecified',
            tta: 'none',
            input: { height: 224, width: 224, channels: 3 },
            preset: 'efficientface',
          },
      protocolNotes: '224×224 RGB, dataset mean/std, no TTA; labels 0 Neutral … 6 Anger (EfficientFace order)',
      ...(dataset === 'caer-s' ? { cannotRun: 'ferbench has no CAER-S adapter' } : {}),
      ...(dataset.startsWith('affectnet')
        ? {
            cannotRun: `the ${dataset} evaluation set (validation split with ${dataset === 'affectnet-7' ? 'contempt dropped' : 'all 8 classes'}) is not encoded as a claim protocol yet: run ferbench eval --dataset affectnet --split validation and compare by hand`,
          }
        : {}),
    }),
  ),
  {
    id: 'autofernet-fer2013',
    system: 'Auto-FERNet (Li et al., IEEE TNSE 2021)',
    modelFamily: 'Auto-FERNet',
    dataset: 'fer2013',
    metric: 'accuracy',
    value: 73.78,
    unit: '%',
    source: 'IEEE TNSE 2021, Auto-FERNet, results table',
    protocol: { kind: 'unspecified', tta: 'unspecified' },
    protocolNotes: 'searched architecture; FES relabelling; split and TTA not stated (74.98% for a 6-model ensemble)',
    cannotRun: 'the paper does not state the split or TTA, so no ferbench run can match its protocol',
  },
  {
    id: 'autofernet-ck48-table',
    system: 'Auto-FERNet (Li et al., IEEE TNSE 2021)',
    modelFamily: 'Auto-FERNet',
    dataset: 'ckplus',
    metric: 'accuracy',
    value: 99.37,
    unit: '%',
    source: 'IEEE TNSE 2021, Auto-FERNet, results table (CK48)',
    protocol: { kind: 'unspecified', tta: 'unspecified', input: { height: 48, width: 48, channels: 1 } },
    protocolNotes: 'CK48 99.37% in the table; the text says 98.89% (10 folds): see autofernet-ck48-text',
    cannotRun: 'the table does not state the protocol (folds, subjects) behind 99.37%',
  },
  {
    id: 'autofernet-ck48-text',
    system: 'Auto-FERNet (Li et al., IEEE TNSE 2021)',
    modelFamily: 'Auto-FERNet',
    dataset: 'ckplus',
    metric: 'accuracy',
    value: 98.89,
    unit: '%',
    source: 'IEEE TNSE 2021, Auto-FERNet, text (10-fold)',
    protocol: { kind: 'kfold', folds: 10, tta: 'unspecified', input: { height: 48, width: 48, channels: 1 } },
    protocolNotes:
      "98.89% over 10 folds in the text, disagreeing with the table's 99.37% (autofernet-ck48-table); subject independence not stated",
    cannotRun:
      'reproduce evaluates one trained model, not ten fold models, and the paper does not say whether its folds are subject-independent',
  },
  {
    id: 'autofernet-jaffe',
    system: 'Auto-FERNet (Li et al., IEEE TNSE 2021)',
    modelFamily: 'Auto-FERNet',
    dataset: 'jaffe',
    metric: 'accuracy',
    value: 97.14,
    unit: '%',
    source: 'IEEE TNSE 2021, Auto-FERNet, results table',
    protocol: { kind: 'unspecified', tta: 'unspecified' },
    protocolNotes: 'JAFFE protocol (folds, subjects) not stated',
    cannotRun: 'the paper does not state the JAFFE protocol',
  },
  {
    id: 'autofernet-params',
    system: 'Auto-FERNet (Li et al., IEEE TNSE 2021)',
    modelFamily: 'Auto-FERNet',
    dataset: 'fer2013',
    metric: 'params',
    value: 2.1,
    unit: 'M',
    source: 'IEEE TNSE 2021, Auto-FERNet, results table ("Params(MB)")',
    protocol: { kind: 'unspecified', tta: 'unspecified' },
    protocolNotes: 'the column is headed "Params(MB)": millions of parameters or megabytes is ambiguous',
    cannotRun: 'the unit is ambiguous ("Params(MB)"): compare `ferbench speed` params and model bytes by hand',
  },
  {
    id: 'progressive-teacher-rafdb',
    system: 'Progressive Teacher, MobileFaceNet backbone (Jiang et al. 2021; OpenCV model zoo, 2022 July)',
    modelFamily: 'MobileFaceNet',
    dataset: 'rafdb',
    metric: 'accuracy',
    value: 88.27,
    unit: '%',
    source: 'https://github.com/opencv/opencv_zoo (models/facial_expression_recognition/README.md, results table)',
    protocol: {
      kind: 'split',
      split: 'test',
      tta: 'none',
      input: { height: 112, width: 112, channels: 3 },
      preset: 'progressive-teacher',
    },
    protocolNotes:
      "RAF-DB basic test set (3,068 images), 7 classes; the publisher aligns faces to 112×112 with 5 landmarks (YuNet detector), ferbench feeds RAF-DB's own aligned 100×100 faces resized to 112×112: a different alignment, so a small gap is expected",
  },
  {
    id: 'mini-xception-fer2013',
    system: 'mini-Xception (Arriaga et al. 2017, face_classification)',
    modelFamily: 'mini-Xception',
    dataset: 'fer2013',
    metric: 'accuracy',
    value: 66,
    unit: '%',
    source: 'arXiv:1710.07557; https://github.com/oarriaga/face_classification',
    protocol: {
      kind: 'unspecified',
      tta: 'none',
      input: { height: 64, width: 64, channels: 1 },
      preset: 'mini-xception',
    },
    protocolNotes:
      'its "test" set was the last 20% of fer2013.csv rows (not a Usage split), which also chose the checkpoint',
    cannotRun:
      "the evaluation set is the last 20% of fer2013.csv rows, not one of FER2013's Usage splits; ferbench evaluates Usage splits",
  },
  // Fixture claims: the oracle model on the miniature fer2013.csv (fixtures/), so `ferbench reproduce` runs end to end offline.
  {
    id: 'fixture-oracle-fer2013-privatetest',
    system: 'ferbench oracle fixture model',
    modelFamily: 'oracle (fixture)',
    dataset: 'fer2013',
    metric: 'accuracy',
    value: (24 / 28) * 100,
    unit: '%',
    source:
      'tools/fixtures/fer2013Fixture.ts: PrivateTest holds 21 clean images, 3 contempt traps (right with contempt dropped) and 4 mislabelled rows: 24/28',
    protocol: { kind: 'split', split: 'PrivateTest', tta: 'none', input: { height: 48, width: 48, channels: 1 } },
    protocolNotes:
      'fixture: the oracle model (fixtures/models/oracle.onnx) on fixtures/fer2013/fer2013.csv, contempt excluded from the argmax',
    fixture: true,
  },
  {
    id: 'fixture-oracle-fer2013-overclaimed',
    system: 'ferbench oracle fixture model (an overstated claim)',
    modelFamily: 'oracle (fixture)',
    dataset: 'fer2013',
    metric: 'accuracy',
    value: 99,
    unit: '%',
    source: 'made up for tests: a claim the fixture cannot reach',
    protocol: { kind: 'split', split: 'PrivateTest', tta: 'none', input: { height: 48, width: 48, channels: 1 } },
    protocolNotes: 'fixture: same protocol as fixture-oracle-fer2013-privatetest, claimed value 99%',
    fixture: true,
  },
  {
    id: 'fixture-oracle-fer2013-64px',
    system: 'ferbench oracle fixture model (claimed at another input size)',
    modelFamily: 'oracle (fixture)',
    dataset: 'fer2013',
    metric: 'accuracy',
    value: (24 / 28) * 100,
    unit: '%',
    source: 'made up for tests: a claim whose protocol differs from what the card runs',
    protocol: { kind: 'split', split: 'PrivateTest', tta: 'none', input: { height: 64, width: 64, channels: 1 } },
    protocolNotes: 'fixture: claimed at 64×64 input; the oracle card runs 48×48, so the protocols differ',
    fixture: true,
  },
]
