import type { ZooEntryInput } from './schema.js'

/**
 * Published FER models as data (docs/zoo.md). Each file is pinned by its sha256 and size; each card
 * is a built-in preset whose values were checked against the publisher's own code (cardCheckedAgainst).
 * Validated by zooEntrySchema on load (src/zoo/registry.ts) and in tests/zoo/registry.test.ts.
 */
const ONNX_FERPLUS = 'https://github.com/onnx/models/raw/main/validated/vision/body_analysis/emotion_ferplus/model'
const OPENCV_FER = 'https://github.com/opencv/opencv_zoo/raw/main/models/facial_expression_recognition'
const HUMAN_MODELS = 'https://github.com/vladmandic/human/raw/main/models'
const FERPLUS_DATASET =
  'FER+ labels (github.com/microsoft/FERPlus, fer2013new.csv) over FER2013 images (fer2013.csv from the Kaggle ' +
  '"Challenges in Representation Learning" competition); both need their licences accepted, and ferbench never downloads them'

export const ZOO_DATA: ZooEntryInput[] = [
  {
    name: 'emotion-ferplus-8',
    aliases: ['ferplus'],
    title: 'FER+ emotion model, VGG13-style CNN (ONNX model zoo, Barsoum et al. 2016), fp32',
    files: [
      {
        name: 'emotion-ferplus-8.onnx',
        url: `${ONNX_FERPLUS}/emotion-ferplus-8.onnx`,
        sha256: 'a2a2ba6a335a3b29c21acb6272f962bd3d47f84952aaffa03b60986e04efa61c',
        bytes: 35_040_571,
        role: 'model',
      },
    ],
    licence: {
      name: 'MIT',
      statedAt: 'onnx/models, validated/vision/body_analysis/emotion_ferplus/README.md ("License: MIT")',
    },
    preset: 'ferplus',
    cardCheckedAgainst:
      'onnx/models emotion_ferplus README: input 1×1×64×64 float32 grayscale, resized only (raw 0–255), output 1×8 scores put ' +
      'through softmax, emotion_table neutral, happiness, surprise, sadness, anger, disgust, fear, contempt',
    claims: ['ferplus-ferplus-privatetest', 'ferplus-size'],
    dataset: FERPLUS_DATASET,
  },
  {
    name: 'emotion-ferplus-12-int8',
    aliases: ['ferplus-int8'],
    title: 'FER+ emotion model (ONNX model zoo), int8 quantised from opset 12',
    files: [
      {
        name: 'emotion-ferplus-12-int8.onnx',
        url: `${ONNX_FERPLUS}/emotion-ferplus-12-int8.onnx`,
        sha256: '3e47195d79e9593294df9e81a6d296a1e10969b68a717284081c29493a0ff5f1',
        bytes: 19_300_656,
        role: 'model',
      },
    ],
    licence: {
      name: 'MIT',
      statedAt: 'onnx/models, validated/vision/body_analysis/emotion_ferplus/README.md ("License: MIT")',
    },
    preset: 'ferplus',
    cardCheckedAgainst:
      'onnx/models emotion_ferplus README (the same input, scale and label table as the fp32 model it was quantised from)',
    claims: [],
    dataset: FERPLUS_DATASET,
    notes:
      "the published accuracy is the fp32 model's: compare this one with `ferbench compare` against emotion-ferplus-8 on the same data",
  },
  {
    name: 'fer-mobilefacenet-rafdb',
    aliases: ['progressive-teacher'],
    title: 'Progressive Teacher, MobileFaceNet backbone (OpenCV model zoo, 2022 July), RAF-DB 7 classes',
    files: [
      {
        name: 'facial_expression_recognition_mobilefacenet_2022july.onnx',
        url: `${OPENCV_FER}/facial_expression_recognition_mobilefacenet_2022july.onnx`,
        sha256: '4f61307602fc089ce20488a31d4e4614e3c9753a7d6c41578c854858b183e1a9',
        bytes: 4_791_892,
        role: 'model',
      },
    ],
    licence: {
      name: 'Apache-2.0',
      statedAt:
        'opencv/opencv_zoo, models/facial_expression_recognition/README.md ("licensed under Apache 2.0 License")',
    },
    preset: 'progressive-teacher',
    cardCheckedAgainst:
      'opencv/opencv_zoo models/facial_expression_recognition/facial_fer_model.py: input "data" 112×112, BGR→RGB, /255, ' +
      '(x − 0.5)/0.5, cv.dnn.blobFromImage (NCHW); labels angry, disgust, fearful, happy, neutral, sad, surprised; argmax of "label"',
    claims: ['progressive-teacher-rafdb'],
    dataset:
      'RAF-DB basic (whdeng.cn/RAF, request form; research use only): ferbench reads its aligned 100×100 faces, which it resizes to 112×112',
    notes:
      "the publisher aligns each face to 112×112 with 5 landmarks (YuNet); RAF-DB's own aligned images are a different alignment",
  },
  {
    name: 'human-emotion',
    aliases: ['mini-xception'],
    title: 'mini-Xception (Arriaga et al. 2017) as shipped by @vladmandic/human, tfjs graph model',
    files: [
      {
        name: 'emotion.json',
        url: `${HUMAN_MODELS}/emotion.json`,
        sha256: '56f7e557eb0c863a8b9ab04ac7ccba756e93bf2c27dce135ef0e8712b80b7ad2',
        bytes: 17_980,
        role: 'model',
      },
      {
        name: 'emotion.bin',
        url: `${HUMAN_MODELS}/emotion.bin`,
        sha256: '927ac8224f356ab1e68c2bcfbfa07b0c8567047d1bcf817388ba6e38214c4987',
        bytes: 820_516,
        role: 'weights',
      },
    ],
    licence: { name: 'MIT', statedAt: 'vladmandic/human, LICENSE (also in the npm package @vladmandic/human)' },
    preset: 'mini-xception',
    cardCheckedAgainst:
      'vladmandic/human src/gear/emotion.ts: bilinear resize to the model input (64×64), RGB → gray (0.2989, 0.5870, 0.1140), ' +
      '(x − 0.5)·2 on 0–1 pixels, NHWC, output already in 0..1 (softmax), annotations angry, disgust, fear, happy, sad, surprise, neutral',
    claims: ['mini-xception-fer2013'],
    dataset:
      'FER2013 (fer2013.csv from the Kaggle "Challenges in Representation Learning" competition; its rules apply)',
  },
]
